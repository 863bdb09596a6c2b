package com.cataloghooks.webhook.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
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
                              @Schema(nullable = true) String description, Map<String, String> headers,
                              int retryCount, int timeoutSeconds,
                              @Schema(implementation = String.class, format = "date-time", nullable = true)
                              Instant lastTriggeredAt,
                              @Schema(nullable = true) String lastError, long successCount, long failureCount,
                              Instant createdAt, Instant updatedAt,
                              @Schema(type = SchemaType.OBJECT, nullable = true, description = "The payload filter; null when none")
                              Map<String, Object> filter,
                              boolean ordered, @Schema(nullable = true) Integer rateLimitPerSecond,
                              @Schema(description = "Why the service deactivated it: 410 Gone, or failing for days",
                                      nullable = true)
                              String disabledReason,
                              @Schema(implementation = String.class, format = "date-time", nullable = true)
                              Instant disabledAt,
                              @Schema(description = "Since when every delivery has failed",
                                      implementation = String.class, format = "date-time", nullable = true)
                              Instant failingSince,
                              @Schema(description = "The receiver's circuit breaker",
                                      enumeration = {"closed", "open", "half_open"})
                              String breakerState,
                              @Schema(implementation = String.class, format = "date-time", nullable = true)
                              Instant breakerOpenUntil,
                              @Schema(description = "Until when the secret a rotation replaced still signs",
                                      implementation = String.class, format = "date-time", nullable = true)
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
