package com.cataloghooks.task.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/** The answer to a request that started a background task: where to follow it. */
@RegisterForReflection
public record TaskAccepted(UUID taskId, String status, String statusUrl, String eventsUrl) {
}
