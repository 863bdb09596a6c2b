package com.cataloghooks.delivery.state;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * The retry schedule, defined once: the waits between attempts ({@code backoff-base * 2^(n-1)} before the n-th
 * retry, at most {@code backoff-max}), and how a receiver's {@code Retry-After} lengthens one: to what it asks, never
 * beyond {@code backoff-max}. The same two settings feed {@code @Retry}/{@code @ExponentialBackoff} on
 * {@code WebhookSender#deliver} (application.properties), so the in-process waits are this schedule's.
 */
@ApplicationScoped
public class RetrySchedule {

    private final long baseMs;
    private final long maxMs;

    @Inject
    public RetrySchedule(CatalogConfig config) {
        this(config.delivery().backoffBase(), config.delivery().backoffMax());
    }

    RetrySchedule(long baseMs, long maxMs) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
    }

    /** The wait {@code @ExponentialBackoff} makes before the n-th retry of one run (n ≥ 1). */
    public long scheduled(int retry) {
        long wait = baseMs << Math.min(Math.max(retry - 1, 0), 40);
        return wait <= 0 ? maxMs : Math.min(wait, maxMs);
    }

    /** The wait actually made before the n-th retry, given what the receiver asked for (may be null). */
    public long effective(int retry, Duration retryAfter) {
        long scheduled = scheduled(retry);
        if (retryAfter == null) {
            return scheduled;
        }
        return Math.max(scheduled, Math.min(retryAfter.toMillis(), maxMs));
    }
}
