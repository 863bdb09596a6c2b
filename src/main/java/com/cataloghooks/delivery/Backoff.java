package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The waits between attempts, as {@code @Retry}/{@code @ExponentialBackoff} on {@link WebhookSender#deliver} make
 * them ({@code base * 2^(n-1)} before the n-th retry, at most {@code backoff-max}), and how a receiver's
 * {@code Retry-After} lengthens one: to what it asks, never beyond {@code backoff-max}.
 */
@ApplicationScoped
public class Backoff {

    private final long baseMs;
    private final long maxMs;

    public Backoff(CatalogConfig config) {
        this.baseMs = config.delivery().backoffBase();
        this.maxMs = config.delivery().backoffMax();
    }

    /** The wait {@code @ExponentialBackoff} makes before the n-th retry of one run (n ≥ 1). */
    long scheduled(int retry) {
        long wait = baseMs << Math.min(Math.max(retry - 1, 0), 40);
        return wait <= 0 ? maxMs : Math.min(wait, maxMs);
    }

    /** The wait actually made before the n-th retry, given what the receiver asked for (may be null). */
    long effective(int retry, Duration retryAfter) {
        long scheduled = scheduled(retry);
        if (retryAfter == null) {
            return scheduled;
        }
        return Math.max(scheduled, Math.min(retryAfter.toMillis(), maxMs));
    }
}
