package com.cataloghooks.webhook.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A webhook as clients see it: the secret never leaves the service, {@code has_secret} tells whether one is set. */
public record WebhookResponse(UUID id, String url, List<String> events, boolean isActive, boolean hasSecret,
                              String description, Map<String, String> headers, int retryCount, int timeoutSeconds,
                              Instant lastTriggeredAt, String lastError, long successCount, long failureCount,
                              Instant createdAt, Instant updatedAt) {
}
