package com.cataloghooks.delivery.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/** One attempt of a delivery, as its log row keeps it ({@code response_body} cut to 1,000 characters). */
@RegisterForReflection
public record DeliveryAttempt(UUID id, int attempt, Integer statusCode, Integer responseTimeMs, String responseBody,
                              String error, Instant createdAt) {
}
