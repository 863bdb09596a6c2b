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

    public UUID taskId() {
        return taskId;
    }

    /** Records a step; must run inside the transaction that does the step's writes. */
    public void record(ProgressStep step) {
        List<RowError> samples = step.samples();
        int room = Math.max(0, sampleLimit - samplesKept);
        if (samples.size() > room) {
            samples = samples.subList(0, room);
        }
        if (service.advance(taskId, step, samples)) {
            cancelRequested = true;
        }
        samplesKept += samples.size();
    }

    /** Call between steps, after the commit: stops the task if it should not go on. */
    public void checkpoint() {
        if (cancelRequested) {
            throw new TaskInterruptedException(true);
        }
        if (stopping.getAsBoolean()) {
            throw new TaskInterruptedException(false);
        }
    }
}
