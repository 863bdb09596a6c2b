package com.cataloghooks.delivery.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/**
 * The answer to a replay: how many deliveries it re-queues and how many missed events it plans, counted when it
 * was asked for, and the background task doing it.
 */
@RegisterForReflection
public record ReplayAccepted(UUID taskId, long deliveries, long missedEvents, String statusUrl) {
}
