package com.cataloghooks.task;

/**
 * The work of one background task, run by {@link TaskRunner} on a thread of its own. Throw
 * {@link TaskFailedException} to fail the task with a message meant for the user.
 */
public interface TaskWork {

    /** Counts the rows the task will process, before the task is announced; checks the input on the way. */
    long count() throws Exception;

    /** Does the work in steps, each its own transaction that records its {@link ProgressStep}. */
    void run(TaskProgress progress) throws Exception;

    /** Releases what the task held (its uploaded file), whatever the outcome. */
    default void close() {
    }
}
