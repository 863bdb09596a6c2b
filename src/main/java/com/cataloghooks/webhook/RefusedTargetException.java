package com.cataloghooks.webhook;

/** A webhook URL that points, or resolves, where webhooks may not go. The message says where and why. */
public class RefusedTargetException extends Exception {

    public RefusedTargetException(String message) {
        super(message, null, false, false);
    }
}
