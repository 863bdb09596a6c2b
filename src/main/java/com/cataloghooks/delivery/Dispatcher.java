package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.runtime.ReplicaName;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Claims due deliveries from the database and starts them, within bounds: at most {@code max-in-flight} in this
 * replica and {@code max-in-flight-per-webhook} per webhook, so one slow receiver cannot starve the others.
 * Deliveries run concurrently and wait between attempts without holding a thread; when one ends, the next due
 * ones are claimed.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final DeliveryRepository deliveries;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final CatalogConfig config;
    private final String owner = ReplicaName.get();
    private final ExecutorService claimer = Executors.newSingleThreadExecutor(r -> new Thread(r, "delivery-claimer"));
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<UUID, AtomicInteger> inFlightPerWebhook = new ConcurrentHashMap<>();
    private final Set<DeliveryJob> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public Dispatcher(DeliveryRepository deliveries, WebhookSender sender, AttemptRecorder recorder,
                      CatalogConfig config, DeliveryMetrics metrics) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.recorder = recorder;
        this.config = config;
        metrics.inFlight(inFlight::get);
    }

    @Scheduled(every = "${catalog.delivery.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        nudge();
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
     * Graceful stop: claim nothing more, start no new attempt, let attempts under way finish (and be recorded)
     * within {@code shutdown-grace}, then hand every unfinished delivery back so another replica, or this one
     * after a restart, takes it up without waiting for the lease to expire.
     */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        claimer.shutdown();
        try {
            // a claim under way finishes first, so release() below sees its leases
            claimer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        active.forEach(DeliveryJob::halt);
        long deadline = System.nanoTime() + config.delivery().shutdownGrace().toNanos();
        while (active.stream().anyMatch(DeliveryJob::isAttempting) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            int released = QuarkusTransaction.requiringNew().call(() -> deliveries.release(owner));
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
                int capacity = config.delivery().maxInFlight() - inFlight.get();
                if (capacity <= 0) {
                    return;
                }
                List<DeliveryRepository.Claimed> claimed = QuarkusTransaction.requiringNew().call(() -> claim(capacity));
                for (DeliveryRepository.Claimed c : claimed) {
                    try {
                        start(c);
                    } catch (RuntimeException e) {
                        // the lease expires and any replica takes the delivery up again
                        LOG.warnf("delivery %s could not be started: %s", c.id(), e.getMessage());
                    }
                }
                if (claimed.isEmpty()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("claiming deliveries failed, will retry: %s", e.getMessage());
        }
    }

    private List<DeliveryRepository.Claimed> claim(int capacity) {
        int perWebhook = config.delivery().maxInFlightPerWebhook();
        Set<UUID> saturated = inFlightPerWebhook.entrySet().stream()
                .filter(e -> e.getValue().get() >= perWebhook)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        List<DeliveryRepository.Candidate> candidates = deliveries.lockDue(Math.min(capacity * 4, 1000), saturated);
        Map<UUID, Integer> taken = new HashMap<>();
        List<UUID> chosen = new ArrayList<>();
        for (DeliveryRepository.Candidate candidate : candidates) {
            if (chosen.size() >= capacity) {
                break;
            }
            AtomicInteger running = inFlightPerWebhook.get(candidate.webhookId());
            int already = (running == null ? 0 : running.get()) + taken.getOrDefault(candidate.webhookId(), 0);
            if (already < perWebhook) {
                taken.merge(candidate.webhookId(), 1, Integer::sum);
                chosen.add(candidate.id());
            }
        }
        return deliveries.lease(chosen, owner, config.delivery().lease().toSeconds());
    }

    private void start(DeliveryRepository.Claimed c) {
        if (stopping) {
            return; // handed back by release() at shutdown
        }
        DeliveryJob job = new DeliveryJob(c.id(), c.eventId(), c.eventType(), c.body(), c.webhookId(), c.url(),
                c.secret(), c.headers(), c.timeoutSeconds(), c.retryCount(), c.attempts(),
                (j, attempt, result, last) -> recorder.record(j, owner, attempt, result, last));
        if (job.attemptsSoFar() >= job.maxAttempts()) {
            recorder.giveUp(job, owner);
            return;
        }
        inFlight.incrementAndGet();
        active.add(job);
        AtomicInteger perWebhook = inFlightPerWebhook.computeIfAbsent(c.webhookId(), id -> new AtomicInteger());
        perWebhook.incrementAndGet();
        sender.deliver(job)
                .onTermination().invoke(() -> {
                    active.remove(job);
                    perWebhook.decrementAndGet();
                    inFlight.decrementAndGet();
                    nudge();
                })
                .subscribe().with(
                        result -> LOG.debugf("delivery %s ended: %s", c.id(), result.success() ? "delivered" : result.error()),
                        failure -> {
                            if (failure instanceof DeliveryHaltedException) {
                                LOG.debugf("delivery %s handed back at shutdown", c.id());
                            } else {
                                LOG.warnf("delivery %s interrupted (%s); it is taken up again when its lease expires",
                                        c.id(), failure.getMessage());
                            }
                        });
    }
}
