package com.cataloghooks.delivery.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One attempt of a delivery, as its log row keeps it: the request's headers as sent (custom header values masked),
 * the answer ({@code response_body} cut to 1,000 characters).
 */
@RegisterForReflection
public record DeliveryAttempt(UUID id, int attempt,
                              @Schema(nullable = true, description = RequestHeadersDoc.TEXT)
                              Map<String, String> requestHeaders,
                              @Schema(nullable = true) Integer statusCode,
                              @Schema(nullable = true) Integer responseTimeMs,
                              @Schema(nullable = true) String responseBody, @Schema(nullable = true) String error,
                              Instant createdAt) {
}
