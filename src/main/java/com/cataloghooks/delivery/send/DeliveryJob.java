package com.cataloghooks.delivery.send;

import com.cataloghooks.delivery.state.Claimed;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery claimed by this replica: what to send, where, under which claim (its fencing token), which attempt it
 * is on, and which of the replica's {@link Slots} it holds. Attempts are numbered over the delivery's whole life,
 * counting those made before a restart or by another replica.
 */
public final class DeliveryJob {

    private final Claimed claim;
    private volatile int attempt;
    private final AtomicBoolean claimedAttemptTaken = new AtomicBoolean();
    private final AtomicBoolean holdsSlot = new AtomicBoolean();
    private final AtomicBoolean holdsWebhookSlot = new AtomicBoolean();
    private final AtomicBoolean waitsHere = new AtomicBoolean();
    private volatile boolean halted;

    public DeliveryJob(Claimed claim) {
        this.claim = claim;
        this.attempt = claim.attempt();
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
    public void halt() {
        halted = true;
    }

    boolean isHalted() {
        return halted;
    }

    OutgoingRequest request() {
        return OutgoingRequest.build(claim.url(), claim.secret(), claim.previousSecret(), claim.headers(), claim.eventId(),
                claim.eventType(), claim.body(), claim.timeoutSeconds(), Instant.now().getEpochSecond());
    }

    /** The claimed row, as the recorder writes its outcome. */
    Claimed claim() {
        return claim;
    }

    public UUID deliveryId() {
        return claim.id();
    }

    public UUID token() {
        return claim.token();
    }

    public UUID webhookId() {
        return claim.webhookId();
    }
}
