package com.cataloghooks.delivery.state;

import java.time.Duration;

/**
 * What one attempt came to. {@code statusCode} is null when no HTTP answer arrived (timeout, refused connection).
 *
 * @param retryable  whether another attempt may succeed: everything but success, {@code 410 Gone} and a target the
 *                   service refuses to reach
 * @param retryAfter how long the receiver asked us to wait ({@code Retry-After} on 429 or 503), or null; for a held
 *                   attempt, how long to hold the delivery
 * @param held       not sent: the webhook's circuit breaker is open, so the attempt is not spent
 */
public record AttemptResult(Integer statusCode, String responseBody, int responseTimeMs, String error,
                            boolean success, boolean retryable, Duration retryAfter, boolean held) {

    public AttemptResult(Integer statusCode, String responseBody, int responseTimeMs, String error, boolean success,
                  boolean retryable, Duration retryAfter) {
        this(statusCode, responseBody, responseTimeMs, error, success, retryable, retryAfter, false);
    }

    /** Not sent, and not counted: the receiver's circuit breaker holds its deliveries for {@code holdFor}. */
    public static AttemptResult held(Duration holdFor) {
        return new AttemptResult(null, null, 0, "held: the receiver's circuit breaker is open", false, true, holdFor,
                true);
    }

    /**
     * Whether the receiver's circuit breaker counts this outcome against it: an answer that is not a success, or no
     * answer at all; not a refusal to send (no answer, not retryable), which is the service's doing.
     */
    public boolean receiverFailed() {
        return !success && !held && (statusCode != null || retryable);
    }

    public static AttemptResult answered(int status, String body, int timeMs, Duration retryAfter) {
        boolean ok = status >= 200 && status < 300;
        String error = ok ? null : "HTTP " + status;
        return new AttemptResult(status, body, timeMs, error, ok, !ok && status != 410,
                status == 429 || status == 503 ? retryAfter : null);
    }

    /** Not sent: the webhook's URL points, or resolves, where webhooks may not go. Retrying would not change that. */
    public static AttemptResult refused(String reason, int timeMs) {
        return new AttemptResult(null, null, timeMs, "refused: " + reason, false, false, null);
    }

    public static AttemptResult unanswered(String error, int timeMs) {
        return new AttemptResult(null, null, timeMs, error, false, true, null);
    }
}
