package com.cataloghooks.delivery.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One event's delivery to one webhook, with every attempt made for it (oldest first). {@code event_id} is the
 * {@code webhook-id} header of each of its requests, redeliveries included, so receivers can deduplicate.
 */
@RegisterForReflection
public record DeliveryResponse(UUID id, UUID webhookId, UUID eventId, String event,
                               @Schema(enumeration = {"pending", "in_flight", "succeeded", "failed"}) String status,
                               int attempts,
                               @Schema(implementation = String.class, format = "date-time", nullable = true)
                               Instant nextAttemptAt,
                               @Schema(nullable = true) String lastError,
                               @Schema(implementation = Object.class) @JsonRawValue String payload,
                               Instant createdAt, Instant updatedAt,
                               @Schema(implementation = String.class, format = "date-time", nullable = true)
                               Instant completedAt,
                               List<DeliveryAttempt> attemptLog) {

    /** A delivery's statuses, as the list filters accept them (the schema above names the same four). */
    public static final List<String> STATUSES = List.of("pending", "in_flight", "succeeded", "failed");

}
