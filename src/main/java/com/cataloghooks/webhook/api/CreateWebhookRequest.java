package com.cataloghooks.webhook.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/webhooks}. The URL, event names and custom headers are further checked by
 * the service (http(s) only, known events, headers that cannot break or forge the request).
 */
public record CreateWebhookRequest(
        @NotNull @Size(max = 500) String url,
        @NotEmpty List<@NotNull String> events,
        @Size(max = 255) String secret,
        @Size(max = 2000) String description,
        Boolean isActive,
        @Size(max = 20) Map<String, String> headers,
        @Min(0) @Max(10) Integer retryCount,
        @Min(1) @Max(300) Integer timeoutSeconds,
        @Schema(description = "Without a secret: true makes one ('whsec_' + base64 of 32 random bytes), returned once"
                + " in this answer's 'secret'")
        Boolean generateSecret,
        @Schema(description = "Payload filter matched against the event's data (Convoy's operators)",
                implementation = Object.class, example = "{\"active\": true, \"sku\": {\"$in\": [\"A-1\", \"B-2\"]}}")
        JsonNode filter,
        @Schema(description = "Deliveries in event order, one at a time; a failing one holds those after it")
        Boolean ordered,
        @Schema(description = "At most this many requests per second, over all replicas; more wait, none is dropped")
        @Min(1) @Max(10000) Integer rateLimitPerSecond) {
}
