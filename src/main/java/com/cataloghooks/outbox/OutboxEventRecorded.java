package com.cataloghooks.outbox;

/** Fired when an event is written to the outbox; observed after commit to publish without waiting for a poll. */
public record OutboxEventRecorded(String eventType) {
}
