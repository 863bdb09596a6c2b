package com.cataloghooks.task;

import com.cataloghooks.task.api.RowError;

import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * A running task's handle on its own row: records each step's counts (inside the step's transaction) and stops
 * the task between steps when a cancel was requested or the service is stopping.
 */
public final class TaskProgress {

    private final UUID taskId;
    private final TaskService service;
    private final BooleanSupplier stopping;
    private final int sampleLimit;
    private int samplesKept;
    private volatile boolean cancelRequested;

    TaskProgress(UUID taskId, TaskService service, BooleanSupplier stopping, int sampleLimit) {
        this.taskId = taskId;
        this.service = service;
        this.stopping = stopping;
        this.sampleLimit = sampleLimit;
    }

    /**
     * Records a step; must run inside the transaction that does the step's writes. Throws (so that the step rolls
     * back) when the task has ended meanwhile: a task that is no longer running writes nothing more.
     */
    public void record(ProgressStep step) {
        Boolean cancel = service.advance(taskId, step, keep(step.samples()));
        if (cancel == null) {
            throw new TaskInterruptedException(false);
        }
        if (cancel) {
            cancelRequested = true;
        }
    }

    /** The samples that still fit; steps may be recorded from several threads at once. */
    private synchronized List<RowError> keep(List<RowError> samples) {
        int room = Math.max(0, sampleLimit - samplesKept);
        List<RowError> kept = samples.size() > room ? samples.subList(0, room) : samples;
        samplesKept += kept.size();
        return kept;
    }

    /**
     * Call before each step: stops the task if a cancel was requested or the service is stopping. A step that
     * has begun completes, and a task whose last step is done completes, cancel or not.
     */
    public void checkpoint() {
        if (cancelRequested) {
            throw new TaskInterruptedException(true);
        }
        if (stopping.getAsBoolean()) {
            throw new TaskInterruptedException(false);
        }
    }
}
