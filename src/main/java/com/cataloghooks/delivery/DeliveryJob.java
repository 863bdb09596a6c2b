package com.cataloghooks.delivery;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A claimed delivery being worked on in this replica: what to send, where, and how many attempts it has had,
 * counting those made before a restart or by another replica.
 */
public final class DeliveryJob {

    /** Told about every attempt, on a worker thread; answers whether this replica may go on with the delivery. */
    public interface AttemptListener {
        boolean attemptFinished(DeliveryJob job, int attempt, AttemptResult result, boolean last);
    }

    private final UUID deliveryId;
    private final UUID eventId;
    private final String eventType;
    private final String body;
    private final UUID webhookId;
    private final String url;
    private final String secret;
    private final Map<String, String> headers;
    private final int timeoutSeconds;
    private final int maxAttempts;
    private final AtomicInteger attempts;
    private final int attemptsAtClaim;
    private final AttemptListener listener;
    private volatile boolean halted;
    private volatile boolean attempting;

    DeliveryJob(UUID deliveryId, UUID eventId, String eventType, String body, UUID webhookId, String url,
                String secret, Map<String, String> headers, int timeoutSeconds, int retryCount, int attemptsSoFar,
                AttemptListener listener) {
        this.deliveryId = deliveryId;
        this.eventId = eventId;
        this.eventType = eventType;
        this.body = body;
        this.webhookId = webhookId;
        this.url = url;
        this.secret = secret;
        this.headers = Map.copyOf(headers);
        this.timeoutSeconds = timeoutSeconds;
        this.maxAttempts = 1 + retryCount;
        this.attempts = new AtomicInteger(attemptsSoFar);
        this.attemptsAtClaim = attemptsSoFar;
        this.listener = listener;
    }

    /** Numbers the next attempt (1-based over the delivery's whole life) and marks the job as sending. */
    int startAttempt() {
        attempting = true;
        return attempts.incrementAndGet();
    }

    /** The attempt, its recording included, is over. */
    void attemptEnded() {
        attempting = false;
    }

    boolean isAttempting() {
        return attempting;
    }

    /** Makes no further attempt (shutdown); an attempt under way still finishes. */
    void halt() {
        halted = true;
    }

    boolean isHalted() {
        return halted;
    }

    /** Which retry of this replica's run comes after {@code attempt}: the backoff starts over after a claim. */
    int retryNumberAfter(int attempt) {
        return attempt - attemptsAtClaim;
    }

    int attemptsSoFar() {
        return attempts.get();
    }

    OutgoingRequest request() {
        return OutgoingRequest.build(url, secret, headers, eventId, eventType, body, timeoutSeconds,
                Instant.now().getEpochSecond());
    }

    boolean report(int attempt, AttemptResult result, boolean last) {
        return listener.attemptFinished(this, attempt, result, last);
    }

    public UUID deliveryId() {
        return deliveryId;
    }

    public UUID eventId() {
        return eventId;
    }

    public String eventType() {
        return eventType;
    }

    public String body() {
        return body;
    }

    public UUID webhookId() {
        return webhookId;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
