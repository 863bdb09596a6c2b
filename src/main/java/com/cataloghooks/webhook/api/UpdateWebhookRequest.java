package com.cataloghooks.webhook.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code PUT /api/v1/webhooks/{id}}: a partial update, absent or null fields stay as they are.
 * An empty {@code secret} removes the secret; {@code headers} replaces all custom headers.
 */
public record UpdateWebhookRequest(
        @Size(max = 500) String url,
        @Size(min = 1) List<@NotNull String> events,
        @Size(max = 255) String secret,
        @Size(max = 2000) String description,
        Boolean isActive,
        @Size(max = 20) Map<String, String> headers,
        @Min(0) @Max(10) Integer retryCount,
        @Min(1) @Max(300) Integer timeoutSeconds,
        @Schema(description = "Replaces the payload filter; {} removes it", implementation = Object.class,
                example = "{\"active\": true}")
        JsonNode filter,
        Boolean ordered,
        @Schema(description = "Requests per second over all replicas; 0 removes the limit")
        @Min(0) @Max(10000) Integer rateLimitPerSecond) {
}
