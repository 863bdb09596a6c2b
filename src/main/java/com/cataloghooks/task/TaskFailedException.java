package com.cataloghooks.task;

/** Ends a task as failed; the message is shown to the user on the task and in {@code import.failed}. */
public class TaskFailedException extends Exception {

    public TaskFailedException(String message) {
        super(message);
    }

    public TaskFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
