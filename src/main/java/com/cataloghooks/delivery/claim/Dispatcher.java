package com.cataloghooks.delivery.claim;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.runtime.ReplicaName;
import com.cataloghooks.delivery.record.AttemptRecorder;
import com.cataloghooks.delivery.record.DeliveryMetrics;
import com.cataloghooks.delivery.send.DeliveryJob;
import com.cataloghooks.delivery.send.Slots;
import com.cataloghooks.delivery.send.WebhookSender;
import com.cataloghooks.delivery.state.Claimed;
import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.delivery.state.StopOrder;
import com.cataloghooks.delivery.state.Wakeups;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The claim stage: claims due deliveries and starts their attempts ({@link WebhookSender}), within the replica's
 * {@link Slots}; a claim round runs whenever {@link Wakeups} says work may be waiting (deliveries planned or
 * re-queued, a slot free) and on every poll, which also hands back deliveries whose lease ran out.
 * <p>
 * Claims go round the webhooks ({@code ClaimSql}), so a webhook with a huge backlog cannot delay one with a single
 * due delivery, and a failing receiver costs the others nothing.
 */
@ApplicationScoped
@Startup
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final UUID FIRST = new UUID(0, 0);

    private final DeliveryTransitions transitions;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final Slots slots;
    private final CatalogConfig config;
    private final String owner = ReplicaName.get();
    private final ExecutorService claimer = Executors.newSingleThreadExecutor(r -> new Thread(r, "delivery-claimer"));
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Set<DeliveryJob> active = ConcurrentHashMap.newKeySet();
    private volatile UUID cursor = FIRST;
    private volatile boolean stopping;

    public Dispatcher(DeliveryTransitions transitions, WebhookSender sender, AttemptRecorder recorder, Slots slots,
                      Wakeups wakeups, CatalogConfig config, DeliveryMetrics metrics) {
        this.transitions = transitions;
        this.sender = sender;
        this.recorder = recorder;
        this.slots = slots;
        this.config = config;
        metrics.inFlight(slots::inProgress);
        wakeups.listen(this::nudge);
    }

    @Scheduled(every = "${catalog.delivery.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        if (stopping) {
            return;
        }
        // the claim round first: deliveries due by time (retries, rows written by other replicas) must not wait
        // for the lease expiry below, which may have to wait on the database
        nudge();
        try {
            int expired = transitions.expire(owner, held(), leaseGraceSeconds());
            if (expired > 0) {
                LOG.infof("%d deliveries whose claim ran out are due again", expired);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not look for expired claims, will retry: %s", e.getMessage());
        }
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
    void nudge() {
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
     * run out. The receivers' breakers stop after this ({@code ReceiverBreakers}, {@link StopOrder}).
     */
    void onStop(@Observes @Priority(StopOrder.DISPATCHER) ShutdownEvent event) {
        stopping = true;
        claimer.shutdown();
        try {
            claimer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.forEach(DeliveryJob::halt);
        long deadline = System.nanoTime() + config.delivery().shutdownGrace().toNanos();
        while (slots.inProgress() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        recorder.drainAndStop(deadline);
        try {
            int released = transitions.release(owner);
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
                int capacity = slots.free();
                if (capacity <= 0) {
                    return;
                }
                List<Claimed> claimed = transitions.claim(slots.runningNow(), config.delivery().maxInFlightPerWebhook(),
                        cursor, capacity, owner, config.delivery().lease().toSeconds());
                for (Claimed claim : claimed) {
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

    /** The next round starts after the last webhook this one reached, so every webhook gets its turn. */
    private void advanceCursor(List<Claimed> claimed) {
        UUID from = cursor;
        UUID after = null;
        UUID wrapped = null;
        for (Claimed claim : claimed) {
            UUID webhook = claim.webhookId();
            if (webhook.compareTo(from) > 0) {
                after = after == null || webhook.compareTo(after) > 0 ? webhook : after;
            } else {
                wrapped = wrapped == null || webhook.compareTo(wrapped) > 0 ? webhook : wrapped;
            }
        }
        cursor = wrapped != null ? wrapped : after != null ? after : FIRST;
    }

    private void start(Claimed claim) {
        DeliveryJob job = new DeliveryJob(claim);
        slots.take(job);
        active.add(job);
        sender.deliver(job)
                .onTermination().invoke(() -> {
                    slots.release(job);
                    slots.stopWaiting(job);
                    active.remove(job);
                    nudge();
                })
                .subscribe().with(
                        done -> {
                        },
                        failure -> LOG.warnf("delivery %s interrupted (%s); it is taken up again when its lease runs"
                                + " out", job.deliveryId(), failure.getMessage()));
    }
}
