package com.cataloghooks.webhook.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A webhook as clients see it. The secret never leaves the service ({@code has_secret} tells whether one is set),
 * except once: in the answer that generated or rotated it.
 */
public record WebhookResponse(UUID id, String url, List<String> events, boolean isActive, boolean hasSecret,
                              String description, Map<String, String> headers, int retryCount, int timeoutSeconds,
                              Instant lastTriggeredAt, String lastError, long successCount, long failureCount,
                              Instant createdAt, Instant updatedAt,
                              @Schema(implementation = Object.class) Map<String, Object> filter,
                              boolean ordered, Integer rateLimitPerSecond,
                              @Schema(description = "Why the service deactivated it: 410 Gone, or failing for days")
                              String disabledReason, Instant disabledAt,
                              @Schema(description = "Since when every delivery has failed")
                              Instant failingSince,
                              @Schema(description = "The receiver's circuit breaker: closed, open or half_open")
                              String breakerState, Instant breakerOpenUntil,
                              @Schema(description = "Until when the secret a rotation replaced still signs")
                              Instant previousSecretExpiresAt,
                              @Schema(description = "Only in the answer that generated or rotated the secret")
                              @JsonInclude(JsonInclude.Include.NON_NULL) String secret,
                              @Schema(description = "Only when one webhook is read: its last 24 hours")
                              @JsonInclude(JsonInclude.Include.NON_NULL) WebhookHealth health) {

    public WebhookResponse withSecret(String plain) {
        return new WebhookResponse(id, url, events, isActive, hasSecret, description, headers, retryCount,
                timeoutSeconds, lastTriggeredAt, lastError, successCount, failureCount, createdAt, updatedAt, filter,
                ordered, rateLimitPerSecond, disabledReason, disabledAt, failingSince, breakerState, breakerOpenUntil,
                previousSecretExpiresAt, plain, health);
    }

    public WebhookResponse withHealth(WebhookHealth summary) {
        return new WebhookResponse(id, url, events, isActive, hasSecret, description, headers, retryCount,
                timeoutSeconds, lastTriggeredAt, lastError, successCount, failureCount, createdAt, updatedAt, filter,
                ordered, rateLimitPerSecond, disabledReason, disabledAt, failingSince, breakerState, breakerOpenUntil,
                previousSecretExpiresAt, secret, summary);
    }
}
