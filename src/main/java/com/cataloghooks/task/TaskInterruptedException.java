package com.cataloghooks.task;

/** Thrown at a checkpoint when the task must stop early: cancelled by a user, or the service is stopping. */
final class TaskInterruptedException extends RuntimeException {

    private final boolean cancelled;

    TaskInterruptedException(boolean cancelled) {
        super(cancelled ? "cancelled" : "service stopping", null, false, false);
        this.cancelled = cancelled;
    }

    boolean cancelled() {
        return cancelled;
    }
}
