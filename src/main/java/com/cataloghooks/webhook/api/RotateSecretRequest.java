package com.cataloghooks.webhook.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/v1/webhooks/{id}/secret/rotate}; may be absent. */
public record RotateSecretRequest(
        @Schema(description = "How long the previous secret keeps signing too, in seconds (default 86400: 24 h;"
                + " 0 stops it at once)", example = "86400")
        @Min(0) @Max(604800) Long gracePeriodSeconds) {
}
