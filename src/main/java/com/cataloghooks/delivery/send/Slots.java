package com.cataloghooks.delivery.send;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.delivery.state.Wakeups;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The replica's bounds on sending: at most {@code max-in-flight-per-webhook} requests in progress per webhook (from
 * the claim, or the start of a retry, until the answer), at most {@code max-in-flight} attempts per replica (until
 * their outcome is written, so memory stays bounded when the database is slow), and at most
 * {@code max-in-flight-per-webhook} deliveries per webhook waiting here for a retry. A delivery waiting for its next
 * attempt holds neither of the first two. A slot that comes free signals {@link Wakeups}: a claim may take more.
 * <p>
 * Each job holds each slot at most once (its own flags), so the counters move once whatever path gives a slot back.
 */
@ApplicationScoped
public class Slots {

    private final CatalogConfig config;
    private final Wakeups wakeups;
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Per webhook, requests in progress here and deliveries waiting here for a retry; a webhook at zero has no entry. */
    private final Map<UUID, Integer> running = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> waiting = new ConcurrentHashMap<>();

    public Slots(CatalogConfig config, Wakeups wakeups) {
        this.config = config;
        this.wakeups = wakeups;
    }

    /** Attempts in progress here, their outcome not yet written. */
    public int inProgress() {
        return inProgress.get();
    }

    /** How many more attempts the replica may start. */
    public int free() {
        return config.delivery().maxInFlight() - inProgress.get();
    }

    /** A copy of the requests in progress per webhook, for the claim. */
    public Map<UUID, Integer> runningNow() {
        return new HashMap<>(running);
    }

    /** Takes both slots for a job just claimed (the claim counted its webhook's free slots). */
    public void take(DeliveryJob job) {
        if (job.holdSlot(true)) {
            inProgress.incrementAndGet();
        }
        if (job.holdWebhookSlot(true)) {
            add(running, job, 1);
        }
    }

    /** Takes both slots for a retry here, if its webhook and the replica have one free; atomic per webhook. */
    boolean tryTake(DeliveryJob job) {
        boolean[] taken = {false};
        running.compute(job.webhookId(), (id, count) -> {
            int now = count == null ? 0 : count;
            if (now >= config.delivery().maxInFlightPerWebhook()
                    || inProgress.get() >= config.delivery().maxInFlight() || !job.holdWebhookSlot(true)) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (taken[0] && job.holdSlot(true)) {
            inProgress.incrementAndGet();
        }
        return taken[0];
    }

    /** The request is over: its webhook may start another one. */
    void releaseWebhook(DeliveryJob job) {
        if (job.holdWebhookSlot(false)) {
            add(running, job, -1);
            wakeups.signal();
        }
    }

    /** The request is over and its outcome written (or given up): the replica may start another one. */
    public void release(DeliveryJob job) {
        releaseWebhook(job);
        if (job.holdSlot(false)) {
            inProgress.decrementAndGet();
            wakeups.signal();
        }
    }

    /** Whether another delivery of this webhook may wait here for its retry. */
    boolean roomToWait(UUID webhookId) {
        return waiting.getOrDefault(webhookId, 0) < config.delivery().maxInFlightPerWebhook();
    }

    void startWaiting(DeliveryJob job) {
        if (job.waitHere(true)) {
            add(waiting, job, 1);
        }
    }

    public void stopWaiting(DeliveryJob job) {
        if (job.waitHere(false)) {
            add(waiting, job, -1);
        }
    }

    /** Moves a webhook's count; an entry that reaches zero goes, so webhooks long gone leave nothing behind. */
    private static void add(Map<UUID, Integer> counters, DeliveryJob job, int delta) {
        counters.compute(job.webhookId(), (id, count) -> {
            int now = (count == null ? 0 : count) + delta;
            return now <= 0 ? null : now;
        });
    }

    /** Webhooks with requests in progress or retries waiting here (what the two maps hold). */
    public int webhooksTracked() {
        Set<UUID> tracked = new HashSet<>(running.keySet());
        tracked.addAll(waiting.keySet());
        return tracked.size();
    }
}
