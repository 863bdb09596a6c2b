package com.cataloghooks.delivery.plan;

/** A record on the topic that is not a well-formed event: it goes to the dead-letter topic, never retried. */
class MalformedEventException extends RuntimeException {

    MalformedEventException(String reason) {
        super("malformed event: " + reason);
    }
}
