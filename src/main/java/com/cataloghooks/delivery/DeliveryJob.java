package com.cataloghooks.delivery;

import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery claimed by this replica: what to send, where, under which claim (its fencing token), and which attempt
 * it is on. Attempts are numbered over the delivery's whole life, counting those made before a restart or by
 * another replica.
 */
public final class DeliveryJob {

    /** The dispatcher's side of each attempt: bookkeeping before and after the request. */
    interface Steps {
        /** Before a retry in this replica: the attempt number, or null when the job must not go on here. */
        Uni<Integer> beginRetry(DeliveryJob job);

        /** After an attempt: whether the next one is made in this replica, after the {@code @Retry} wait. */
        Uni<Boolean> attemptEnded(DeliveryJob job, int attempt, AttemptResult result);
    }

    private final DeliveryStore.Claimed claim;
    private final int maxAttempts;
    private final Steps steps;
    private volatile int attempt;
    private final AtomicBoolean claimedAttemptTaken = new AtomicBoolean();
    private final AtomicBoolean holdsSlot = new AtomicBoolean();
    private final AtomicBoolean holdsWebhookSlot = new AtomicBoolean();
    private final AtomicBoolean waitsHere = new AtomicBoolean();
    private volatile boolean halted;

    DeliveryJob(DeliveryStore.Claimed claim, Steps steps) {
        this.claim = claim;
        this.maxAttempts = 1 + claim.retryCount();
        this.attempt = claim.attempt();
        this.steps = steps;
    }

    /** True once: the first call makes the attempt the claim counted; later calls are retries in this replica. */
    boolean takeClaimedAttempt() {
        return claimedAttemptTaken.compareAndSet(false, true);
    }

    /** Marks the job as holding a slot of the replica, or not; true when that changed (so counters move once). */
    boolean holdSlot(boolean hold) {
        return holdsSlot.compareAndSet(!hold, hold);
    }

    /** Marks the job as holding one of its webhook's request slots, or not; true when that changed. */
    boolean holdWebhookSlot(boolean hold) {
        return holdsWebhookSlot.compareAndSet(!hold, hold);
    }

    /** Marks the job as waiting in this replica for its next attempt, or not; true when that changed. */
    boolean waitHere(boolean wait) {
        return waitsHere.compareAndSet(!wait, wait);
    }

    /** The attempt under way or last made. */
    int attempt() {
        return attempt;
    }

    void attempt(int number) {
        attempt = number;
    }

    /** Whether this claim started at the delivery's first attempt, so {@code @Retry}'s waits are the delivery's. */
    boolean claimedAtFirstAttempt() {
        return claim.attempt() == 1;
    }

    /** Makes no further attempt (shutdown); an attempt under way still finishes. */
    void halt() {
        halted = true;
    }

    boolean isHalted() {
        return halted;
    }

    Steps steps() {
        return steps;
    }

    OutgoingRequest request() {
        return OutgoingRequest.build(claim.url(), claim.secret(), claim.previousSecret(), claim.headers(), claim.eventId(), claim.eventType(),
                claim.body(), claim.timeoutSeconds(), Instant.now().getEpochSecond());
    }

    public UUID deliveryId() {
        return claim.id();
    }

    public UUID token() {
        return claim.token();
    }

    public UUID eventId() {
        return claim.eventId();
    }

    public String eventType() {
        return claim.eventType();
    }

    public String body() {
        return claim.body();
    }

    public UUID webhookId() {
        return claim.webhookId();
    }

    public int timeoutSeconds() {
        return claim.timeoutSeconds();
    }

    /** Whether every attempt must go through the claim, where the webhook's rate limit is counted. */
    boolean rateLimited() {
        return claim.rateLimited();
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
