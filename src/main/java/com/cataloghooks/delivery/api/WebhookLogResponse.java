package com.cataloghooks.delivery.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One attempt: {@code payload} is the exact JSON body sent, {@code response_body} cut to 1,000 characters. */
public record WebhookLogResponse(UUID id, UUID webhookId,
                                 @Schema(description = "None for a test request", implementation = String.class,
                                         format = "uuid", nullable = true)
                                 UUID deliveryId,
                                 @Schema(implementation = String.class, format = "uuid", nullable = true) UUID eventId,
                                 String event, int attempt,
                                 @Schema(implementation = Object.class) @JsonRawValue String payload,
                                 @Schema(nullable = true, description = RequestHeadersDoc.TEXT)
                                 Map<String, String> requestHeaders,
                                 @Schema(nullable = true) Integer statusCode,
                                 @Schema(nullable = true) String responseBody,
                                 @Schema(nullable = true) Integer responseTimeMs, @Schema(nullable = true) String error,
                                 boolean test, Instant createdAt) {
}
