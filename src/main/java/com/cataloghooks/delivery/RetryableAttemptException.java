package com.cataloghooks.delivery;

/** An attempt failed in a way another attempt may fix; the only exception {@code @Retry} retries on. */
class RetryableAttemptException extends RuntimeException {

    RetryableAttemptException(AttemptResult result) {
        super(result.error(), null, false, false);
    }
}
