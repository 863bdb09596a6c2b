package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.runtime.ReplicaName;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims due deliveries and runs their attempts, within bounds: at most {@code max-in-flight-per-webhook} requests
 * in progress per webhook (from the claim, or the start of a retry, until the answer), and at most
 * {@code max-in-flight} attempts per replica (until their outcome is written, so memory stays bounded when the
 * database is slow). A delivery waiting for its next attempt holds neither. Short
 * waits are spent here ({@code @Retry}, no thread held), at most {@code max-in-flight-per-webhook} per webhook;
 * every other wait is scheduled in the database, where the delivery waits as a row and nothing else.
 * <p>
 * Claims go round the webhooks ({@link ClaimSql}), so a webhook with a huge backlog cannot delay one with a single
 * due delivery, and a failing receiver costs the others nothing.
 */
@ApplicationScoped
public class Dispatcher implements DeliveryJob.Steps {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final UUID FIRST = new UUID(0, 0);
    /** Among the observers of {@code ShutdownEvent}: after the consumer stops planning, before the breakers stop. */
    static final int SHUTDOWN_ORDER = 10;

    private final DeliveryStore store;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final Backoff backoff;
    private final CatalogConfig config;
    private final String owner = ReplicaName.get();
    private final ExecutorService claimer = Executors.newSingleThreadExecutor(r -> new Thread(r, "delivery-claimer"));
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Per webhook, requests in progress here and deliveries waiting here for a retry; a webhook at zero has no entry. */
    private final Map<UUID, Integer> running = new ConcurrentHashMap<>();
    private final Map<UUID, Integer> waiting = new ConcurrentHashMap<>();
    private final Set<DeliveryJob> active = ConcurrentHashMap.newKeySet();
    private volatile UUID cursor = FIRST;
    private volatile boolean stopping;

    public Dispatcher(DeliveryStore store, WebhookSender sender, AttemptRecorder recorder, Backoff backoff,
                      CatalogConfig config, DeliveryMetrics metrics) {
        this.store = store;
        this.sender = sender;
        this.recorder = recorder;
        this.backoff = backoff;
        this.config = config;
        metrics.inFlight(inProgress::get);
    }

    @Scheduled(every = "${catalog.delivery.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        if (stopping) {
            return;
        }
        try {
            int expired = store.expireLeases(owner, held(), leaseGraceSeconds());
            if (expired > 0) {
                LOG.infof("%d deliveries whose claim ran out are due again", expired);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not look for expired claims, will retry: %s", e.getMessage());
        }
        nudge();
    }

    /** The deliveries whose attempt or outcome is under way here: their leases are not taken from this replica. */
    private List<UUID> held() {
        return active.stream().map(DeliveryJob::deliveryId).toList();
    }

    /**
     * How long after the database (re)started leases are left alone: a lease margin, plus the longest wait of a
     * recorder retrying its batch and a poll, so every replica can write the outcomes it held through the outage.
     */
    private double leaseGraceSeconds() {
        return config.delivery().lease().toSeconds() + AttemptRecorder.MAX_WAIT_MS / 1000.0
                + config.delivery().pollInterval().toMillis() / 1000.0;
    }

    /** Asks for a claiming round soon; nudges while one is queued collapse into it. */
    public void nudge() {
        if (!stopping && scheduled.compareAndSet(false, true)) {
            try {
                claimer.execute(this::claimAndStart);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    /**
     * Graceful stop, the one stop of the delivery side, in this order: claim nothing more, start no new attempt, let
     * requests under way finish within {@code shutdown-grace}, have the recorder commit every outcome it was handed
     * (the recorder has no stop of its own), then hand every delivery still claimed here back, keeping its next
     * attempt time, so another replica (or this one after a restart) takes it up without waiting for its lease to
     * run out. The receivers' breakers stop after this ({@link ReceiverBreakers}).
     */
    void onStop(@Observes @Priority(SHUTDOWN_ORDER) ShutdownEvent event) {
        stopping = true;
        claimer.shutdown();
        try {
            claimer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.forEach(DeliveryJob::halt);
        long deadline = System.nanoTime() + config.delivery().shutdownGrace().toNanos();
        while (inProgress.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        recorder.drainAndStop(deadline);
        try {
            int released = store.release(owner);
            if (released > 0) {
                LOG.infof("released %d unfinished deliveries for the next replica to pick up", released);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not release deliveries at shutdown; their leases will expire: %s", e.getMessage());
        }
    }

    private void claimAndStart() {
        scheduled.set(false);
        try {
            while (!stopping) {
                int capacity = config.delivery().maxInFlight() - inProgress.get();
                if (capacity <= 0) {
                    return;
                }
                List<DeliveryStore.Claimed> claimed = store.claim(runningNow(), config.delivery().maxInFlightPerWebhook(),
                        cursor, capacity, owner, config.delivery().lease().toSeconds());
                for (DeliveryStore.Claimed claim : claimed) {
                    start(claim);
                }
                advanceCursor(claimed);
                if (claimed.size() < capacity) {
                    return; // nothing more is due now; planning or the poll brings the next round
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("claiming deliveries failed, will retry: %s", e.getMessage());
        }
    }

    private Map<UUID, Integer> runningNow() {
        return new HashMap<>(running);
    }

    /** The next round starts after the last webhook this one reached, so every webhook gets its turn. */
    private void advanceCursor(List<DeliveryStore.Claimed> claimed) {
        UUID from = cursor;
        UUID after = null;
        UUID wrapped = null;
        for (DeliveryStore.Claimed claim : claimed) {
            UUID webhook = claim.webhookId();
            if (webhook.compareTo(from) > 0) {
                after = after == null || webhook.compareTo(after) > 0 ? webhook : after;
            } else {
                wrapped = wrapped == null || webhook.compareTo(wrapped) > 0 ? webhook : wrapped;
            }
        }
        cursor = wrapped != null ? wrapped : after != null ? after : FIRST;
    }

    private void start(DeliveryStore.Claimed claim) {
        DeliveryJob job = new DeliveryJob(claim, this);
        takeSlot(job);
        active.add(job);
        Uni<Void> work = claim.attempt() > job.maxAttempts()
                ? giveUp(job) // attempts used up before it could finish (e.g. retry_count lowered, claims lost)
                : claim.unreadable() != null ? notSent(job, claim.unreadable())
                : sender.deliver(job);
        work.onTermination().invoke(() -> {
                    releaseSlot(job);
                    stopWaiting(job);
                    active.remove(job);
                    nudge();
                })
                .subscribe().with(
                        done -> {
                        },
                        failure -> LOG.warnf("delivery %s interrupted (%s); it is taken up again when its lease runs"
                                + " out", job.deliveryId(), failure.getMessage()));
    }

    private Uni<Void> giveUp(DeliveryJob job) {
        job.takeClaimedAttempt();
        return Uni.createFrom().completionStage(() -> recorder.record(job, job.attempt() - 1, null,
                AttemptRecorder.Transition.FAILED)).replaceWithVoid();
    }

    /** Its webhook's stored values do not decrypt: the attempt counts as failed, and waits its turn like any other. */
    private Uni<Void> notSent(DeliveryJob job, String why) {
        job.takeClaimedAttempt();
        int attempt = job.attempt();
        AttemptRecorder.Transition transition = attempt >= job.maxAttempts()
                ? AttemptRecorder.Transition.FAILED
                : AttemptRecorder.Transition.retryLater(backoff.effective(attempt, null) / 1000.0);
        releaseWebhookSlot(job);
        return Uni.createFrom().completionStage(() -> recorder.record(job, attempt,
                AttemptResult.unanswered(why, 0), transition)).replaceWithVoid();
    }

    @Override
    public Uni<Integer> beginRetry(DeliveryJob job) {
        stopWaiting(job);
        return Uni.createFrom().item(() -> {
            if (stopping || job.isHalted()) {
                return null; // handed back by release() at shutdown
            }
            if (!tryTakeSlot(job)) {
                store.requeue(job.deliveryId(), job.token());
                return null;
            }
            if (!store.beginRetry(job.deliveryId(), job.token(), config.delivery().lease().toSeconds())) {
                releaseSlot(job);
                return null; // the claim was lost meanwhile
            }
            job.attempt(job.attempt() + 1);
            return job.attempt();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<Boolean> attemptEnded(DeliveryJob job, int attempt, AttemptResult result) {
        releaseWebhookSlot(job);
        nudge(); // its webhook may start another request while this outcome is being written
        AttemptRecorder.Transition transition = transition(job, attempt, result);
        boolean here = transition.status().equals("in_flight");
        if (here) {
            startWaiting(job);
        }
        return Uni.createFrom().completionStage(() -> recorder.record(job, attempt, result, transition))
                .onItemOrFailure().transform((owned, failure) -> {
                    releaseSlot(job);
                    if (Boolean.TRUE.equals(owned) && transition.finishes()) {
                        LOG.debugf("delivery %s ended: %s", job.deliveryId(),
                                result.success() ? "delivered" : result.error());
                    }
                    boolean again = here && Boolean.TRUE.equals(owned);
                    if (!again) {
                        stopWaiting(job);
                    }
                    nudge();
                    return again;
                });
    }

    /** What an attempt's result means: finished, retried here after a short wait, or scheduled in the database. */
    private AttemptRecorder.Transition transition(DeliveryJob job, int attempt, AttemptResult result) {
        if (result.success()) {
            return AttemptRecorder.Transition.SUCCEEDED;
        }
        if (result.held()) {
            return AttemptRecorder.Transition.held(result.retryAfter().toMillis() / 1000.0);
        }
        if (!result.retryable() || attempt >= job.maxAttempts()) {
            return AttemptRecorder.Transition.FAILED;
        }
        long wait = backoff.effective(attempt, result.retryAfter());
        boolean sameAsRetry = job.claimedAtFirstAttempt() && wait == backoff.scheduled(attempt);
        // a rate-limited webhook's attempts all go through the claim, where the limit is counted
        if (sameAsRetry && !job.rateLimited() && wait <= config.delivery().inlineRetryMax().toMillis() && !stopping
                && !job.isHalted()
                && waiting.getOrDefault(job.webhookId(), 0) < config.delivery().maxInFlightPerWebhook()) {
            return AttemptRecorder.Transition.retryHere(wait / 1000.0);
        }
        return AttemptRecorder.Transition.retryLater(wait / 1000.0);
    }

    private void takeSlot(DeliveryJob job) {
        if (job.holdSlot(true)) {
            inProgress.incrementAndGet();
        }
        if (job.holdWebhookSlot(true)) {
            add(running, job, 1);
        }
    }

    /** Takes a slot for a retry here, if its webhook and the replica have one free; atomic per webhook. */
    private boolean tryTakeSlot(DeliveryJob job) {
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
    private void releaseWebhookSlot(DeliveryJob job) {
        if (job.holdWebhookSlot(false)) {
            add(running, job, -1);
        }
    }

    /** The request is over and its outcome written: the replica may start another one. */
    private void releaseSlot(DeliveryJob job) {
        releaseWebhookSlot(job);
        if (job.holdSlot(false)) {
            inProgress.decrementAndGet();
        }
    }

    private void startWaiting(DeliveryJob job) {
        if (job.waitHere(true)) {
            add(waiting, job, 1);
        }
    }

    private void stopWaiting(DeliveryJob job) {
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
    int webhooksTracked() {
        Set<UUID> tracked = new HashSet<>(running.keySet());
        tracked.addAll(waiting.keySet());
        return tracked.size();
    }
}
