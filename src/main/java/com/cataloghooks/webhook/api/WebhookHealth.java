package com.cataloghooks.webhook.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How a webhook's receiver has done over the last 24 hours of delivery attempts (test sends excluded).
 *
 * @param successRate null when there was no attempt
 */
@Schema(description = "The receiver's last 24 hours of delivery attempts (test sends excluded)")
public record WebhookHealth(long attempts, long succeeded, @Schema(nullable = true) Double successRate,
                            @Schema(nullable = true) Integer p50ResponseMs,
                            @Schema(nullable = true) Integer p95ResponseMs) {
}
