package com.cataloghooks.webhook.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How a webhook's receiver has done over the last 24 hours of delivery attempts (test sends excluded).
 *
 * @param successRate null when there was no attempt
 */
@Schema(description = "The receiver's last 24 hours of delivery attempts (test sends excluded)")
public record WebhookHealth(long attempts, long succeeded, Double successRate, Integer p50ResponseMs,
                            Integer p95ResponseMs) {
}
