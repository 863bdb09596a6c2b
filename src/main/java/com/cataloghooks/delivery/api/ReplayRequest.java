package com.cataloghooks.delivery.api;

import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * Body of {@code POST /api/v1/webhooks/{id}/replay}: which of the webhook's deliveries to send again, by when they
 * were planned, and whether the events it never got (it was inactive, or did not exist yet) go too.
 */
public record ReplayRequest(
        @NotNull Instant since,
        @Schema(description = "Default: now") Instant until,
        @Schema(description = "Which finished deliveries go again (default failed)",
                enumeration = {"failed", "succeeded", "all"}) String status,
        @Schema(description = "Also deliver the events of the window this webhook never got a delivery for, e.g."
                + " because it was inactive (default true; events are kept as long as catalog.retention.max-age)")
        Boolean includeMissed) {
}
