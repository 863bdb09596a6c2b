package com.cataloghooks.delivery.api;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;
import java.util.UUID;

/** One attempt: {@code payload} is the exact JSON body sent, {@code response_body} cut to 1,000 characters. */
public record WebhookLogResponse(UUID id, UUID webhookId, UUID deliveryId, UUID eventId, String event, int attempt,
                                 @JsonRawValue String payload, Integer statusCode, String responseBody,
                                 Integer responseTimeMs, String error, boolean test, Instant createdAt) {
}
