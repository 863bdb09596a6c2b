package com.cataloghooks.delivery.state;

/**
 * Where an attempt takes its delivery, as {@link AttemptPolicy} decides and {@link DeliveryTransitions#apply} writes:
 * one of the outcome transitions of the delivery state machine. The others (claim, requeue, release, expire, and
 * the re-queue of a finished delivery) are methods of {@link DeliveryTransitions}, since no attempt's answer leads
 * to them.
 *
 * @param kind        which transition
 * @param waitSeconds how long until the next attempt (retries and holds); 0 for the finishing ones
 */
public record Transition(Kind kind, double waitSeconds) {

    /** The outcome transitions, each with the status it leaves the delivery in. */
    public enum Kind {
        /** Finished: the receiver took it. */
        SUCCEEDED("succeeded"),
        /** Finished: no attempt left, or one that retrying cannot change. */
        FAILED("failed"),
        /** Another attempt in this replica after the wait: the claim (and its lease) is kept over it. */
        RETRY_HERE("in_flight"),
        /** Another attempt after the wait, by any replica: the claim is given up. */
        RETRY_LATER("pending"),
        /** Not attempted (its receiver's breaker is open): back to pending for the wait, the attempt unspent. */
        HELD("pending");

        private final String status;

        Kind(String status) {
            this.status = status;
        }

        /** The delivery's status after this transition. */
        public String status() {
            return status;
        }
    }

    public static final Transition SUCCEEDED = new Transition(Kind.SUCCEEDED, 0);
    public static final Transition FAILED = new Transition(Kind.FAILED, 0);

    public static Transition retryHere(double waitSeconds) {
        return new Transition(Kind.RETRY_HERE, waitSeconds);
    }

    public static Transition retryLater(double waitSeconds) {
        return new Transition(Kind.RETRY_LATER, waitSeconds);
    }

    public static Transition held(double waitSeconds) {
        return new Transition(Kind.HELD, waitSeconds);
    }

    public String status() {
        return kind.status();
    }

    public boolean finishes() {
        return kind == Kind.SUCCEEDED || kind == Kind.FAILED;
    }

    public boolean succeeded() {
        return kind == Kind.SUCCEEDED;
    }

    /** Whether the attempt was made (and is logged and counted): every transition but a hold. */
    public boolean attempted() {
        return kind != Kind.HELD;
    }

    public boolean retriesHere() {
        return kind == Kind.RETRY_HERE;
    }
}
