package com.cataloghooks.delivery;

/**
 * What one attempt came to. {@code statusCode} is null when no HTTP answer arrived (timeout, refused connection).
 *
 * @param retryable whether another attempt may succeed: everything but success and {@code 410 Gone}
 */
public record AttemptResult(Integer statusCode, String responseBody, int responseTimeMs, String error,
                            boolean success, boolean retryable) {

    static AttemptResult answered(int status, String body, int timeMs) {
        boolean ok = status >= 200 && status < 300;
        String error = ok ? null : "HTTP " + status;
        return new AttemptResult(status, body, timeMs, error, ok, !ok && status != 410);
    }

    static AttemptResult unanswered(String error, int timeMs) {
        return new AttemptResult(null, null, timeMs, error, false, true);
    }
}
