package com.cataloghooks.task;

/**
 * The work of one background task, run by {@link TaskRunner} on a thread of its own. Throw
 * {@link TaskFailedException} to fail the task with a message meant for the user.
 */
public interface TaskWork {

    /**
     * Runs on the submitting thread once the task is recorded, before it is queued: what its request must answer
     * (a replay counts what it will do here, once). If it throws, the task ends as failed and the exception goes
     * to the request.
     */
    default void prepare() {
    }

    /** Counts the rows the task will process, before the task is announced; checks the input on the way. */
    long count() throws Exception;

    /** Does the work in steps, each its own transaction that records its {@link ProgressStep}. */
    void run(TaskProgress progress) throws Exception;

    /** Releases what the task held (its uploaded file), whatever the outcome. */
    default void close() {
    }
}
