package com.cataloghooks.task;

import com.cataloghooks.common.error.ConflictException;

import java.util.UUID;

/** A task that runs one at a time (a replay, per webhook) was asked for while another is queued or running (409). */
public class UnfinishedTaskException extends ConflictException {

    private final UUID taskId;

    UnfinishedTaskException(TaskKind kind, UUID taskId, String filename) {
        super("task_id", kind.wireName() + " " + taskId + " of " + filename + " is still queued or running;"
                + " one at a time");
        this.taskId = taskId;
    }

    /** The unfinished task in the way. */
    public UUID taskId() {
        return taskId;
    }
}
