package com.cataloghooks.webhook.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

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
        @Min(1) @Max(300) Integer timeoutSeconds) {
}
