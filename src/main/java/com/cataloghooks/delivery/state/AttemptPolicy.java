package com.cataloghooks.delivery.state;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What an attempt's result means for its delivery: answer, attempt number and the webhook's settings in, the next
 * {@link Transition} out. Pure: no clock, no database, no state; the waits come from the one {@link RetrySchedule}.
 * <p>
 * A success finishes the delivery; a hold (open breaker) puts it back for as long as the breaker asks; a result that
 * retrying cannot change ({@code 410 Gone}, a refused target), or the last attempt, fails it. Any other result is
 * retried after the schedule's wait, lengthened by a {@code Retry-After}: in this replica ({@code @Retry} waits it
 * out, no thread held) when the wait is short ({@code inline-retry-max}), the {@code @Retry} run began with the
 * delivery's first attempt (so its waits are the schedule's), the receiver asked for no longer wait, and the caller
 * allows it ({@link Here}); else in the database, where any replica takes it up when it is due.
 */
@ApplicationScoped
public class AttemptPolicy {

    /** What the caller knows of the attempt's circumstances, for a retry in this replica. */
    public record Here(boolean runStartedAtFirstAttempt, boolean allowed) {
        /** The next attempt is never made here (e.g. the webhook's rate limit is counted at the claim). */
        public static final Here NEVER = new Here(false, false);
    }

    private final RetrySchedule schedule;
    private final long inlineRetryMaxMs;

    @Inject
    public AttemptPolicy(RetrySchedule schedule, CatalogConfig config) {
        this(schedule, config.delivery().inlineRetryMax().toMillis());
    }

    AttemptPolicy(RetrySchedule schedule, long inlineRetryMaxMs) {
        this.schedule = schedule;
        this.inlineRetryMaxMs = inlineRetryMaxMs;
    }

    /**
     * @param result      what the attempt came to; null when no attempt could be made (none was left)
     * @param attempt     its number over the delivery's whole life
     * @param maxAttempts the webhook's {@code retry_count} + 1
     */
    public Transition next(AttemptResult result, int attempt, int maxAttempts, Here here) {
        if (result == null) {
            return Transition.FAILED;
        }
        if (result.success()) {
            return Transition.SUCCEEDED;
        }
        if (result.held()) {
            return Transition.held(result.retryAfter().toMillis() / 1000.0);
        }
        if (!result.retryable() || attempt >= maxAttempts) {
            return Transition.FAILED;
        }
        long wait = schedule.effective(attempt, result.retryAfter());
        boolean asRetryWaits = here.runStartedAtFirstAttempt() && wait == schedule.scheduled(attempt);
        if (asRetryWaits && here.allowed() && wait <= inlineRetryMaxMs) {
            return Transition.retryHere(wait / 1000.0);
        }
        return Transition.retryLater(wait / 1000.0);
    }
}
