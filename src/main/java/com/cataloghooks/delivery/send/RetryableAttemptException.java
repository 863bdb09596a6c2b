package com.cataloghooks.delivery.send;

/** The next attempt is made in this replica after a short wait; the only exception {@code @Retry} retries on. */
class RetryableAttemptException extends RuntimeException {

    RetryableAttemptException() {
        super("retrying in this replica", null, false, false);
    }
}
