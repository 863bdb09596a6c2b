package com.cataloghooks.delivery.send;

import com.cataloghooks.delivery.state.AttemptResult;
import com.cataloghooks.delivery.state.StopOrder;
import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.webhook.health.ReceiverHealth;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;


import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * One circuit breaker per webhook (SmallRye Fault Tolerance's programmatic {@link TypedGuard}, made on the webhook's
 * first delivery in this replica), around every delivery attempt; test sends go around it. When the receiver has
 * failed {@code failure-ratio} of the last {@code request-volume} attempts, the breaker opens: for {@code delay},
 * deliveries are held (handed back pending, the attempt not spent) instead of burning attempts, and the state is
 * written to the webhook's health ({@link ReceiverHealth}), where every replica's claim skips the webhook until the
 * delay is over. Then one attempt goes as the probe: a success closes the breaker, a failure opens it again.
 */
@ApplicationScoped
public class ReceiverBreakers {

    private static final Logger LOG = Logger.getLogger(ReceiverBreakers.class);
    /** How long a delivery is held when the breaker is half open and its one probe is already under way. */
    private static final Duration PROBE_WAIT = Duration.ofSeconds(1);
    /**
     * The guarded type by its class: the guard only needs to know it is a {@code Uni} (asynchronous). A
     * {@code TypeLiteral} would read its generic signature reflectively, which a native image does not keep.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Class<Uni<AttemptResult>> UNI = (Class) Uni.class;

    private final CatalogConfig config;
    private final AgroalDataSource dataSource;
    private final ReceiverHealth health;
    private final Map<UUID, TypedGuard<Uni<AttemptResult>>> guards = new ConcurrentHashMap<>();
    private final Map<UUID, CircuitBreakerState> states = new ConcurrentHashMap<>();
    // state changes are written here, in order, never on the thread that made the attempt (an event loop)
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "breaker-state"));

    public ReceiverBreakers(CatalogConfig config, AgroalDataSource dataSource, ReceiverHealth health) {
        this.config = config;
        this.dataSource = dataSource;
        this.health = health;
    }

    /** Makes the attempt through the webhook's breaker; a held attempt is {@link AttemptResult#held}. */
    Uni<AttemptResult> send(UUID webhookId, Supplier<Uni<AttemptResult>> attempt) {
        return guard(webhookId)
                .get(() -> attempt.get().onItem().transform(result -> {
                    if (result.receiverFailed()) {
                        throw new ReceiverFailed(result);
                    }
                    return result;
                }))
                .onFailure(ReceiverFailed.class).recoverWithItem(failure -> ((ReceiverFailed) failure).result)
                .onFailure(CircuitBreakerOpenException.class).recoverWithItem(() -> AttemptResult.held(
                        states.get(webhookId) == CircuitBreakerState.HALF_OPEN
                                ? PROBE_WAIT : config.webhooks().breaker().delay()));
    }

    /** This replica's view of the webhook's breaker. */
    CircuitBreakerState state(UUID webhookId) {
        return states.getOrDefault(webhookId, CircuitBreakerState.CLOSED);
    }

    /** Forgets the breakers of deleted webhooks, so the maps hold one entry per existing webhook at most. */
    @Scheduled(every = "1h", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void forgetDeleted() {
        if (guards.isEmpty()) {
            return;
        }
        try {
            Set<UUID> existing = JdbcTransaction.run(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT id FROM webhooks WHERE id = ANY (?::uuid[])")) {
                    select.setArray(1, connection.createArrayOf("uuid", guards.keySet().toArray()));
                    Set<UUID> ids = new HashSet<>();
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                    return ids;
                }
            });
            guards.keySet().removeIf(id -> !existing.contains(id));
            states.keySet().removeIf(id -> !existing.contains(id));
        } catch (RuntimeException e) {
            LOG.warnf("could not look for deleted webhooks' breakers, will retry: %s", e.getMessage());
        }
    }

    /** After the dispatcher's stop ({@link StopOrder}), whose last outcomes may still move a breaker. */
    void onStop(@Observes @Priority(StopOrder.BREAKERS) ShutdownEvent event) {
        writer.shutdown();
    }

    private TypedGuard<Uni<AttemptResult>> guard(UUID webhookId) {
        return guards.computeIfAbsent(webhookId, id -> TypedGuard.create(UNI)
                .withDescription("receiver of webhook " + id)
                .withCircuitBreaker()
                .requestVolumeThreshold(config.webhooks().breaker().requestVolume())
                .failureRatio(config.webhooks().breaker().failureRatio())
                .delay(config.webhooks().breaker().delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .failOn(ReceiverFailed.class)
                .onStateChange(state -> changed(id, state))
                .done()
                .withThreadOffload(false)
                .build());
    }

    private void changed(UUID webhookId, CircuitBreakerState state) {
        states.put(webhookId, state);
        if (state == CircuitBreakerState.OPEN) {
            LOG.warnf("webhook %s: its receiver keeps failing, deliveries are held for %s", webhookId,
                    config.webhooks().breaker().delay());
        } else if (state == CircuitBreakerState.CLOSED) {
            LOG.infof("webhook %s: its receiver answered the probe, deliveries go again", webhookId);
        }
        try {
            writer.execute(() -> write(webhookId, state));
        } catch (RejectedExecutionException e) {
            // stopping: the next replica's breaker starts closed anyway
        }
    }

    private void write(UUID webhookId, CircuitBreakerState state) {
        String name = state == CircuitBreakerState.HALF_OPEN ? "half_open" : state.name().toLowerCase();
        try {
            health.breakerChanged(webhookId, name, config.webhooks().breaker().delay().toMillis() / 1000.0);
        } catch (RuntimeException e) {
            LOG.warnf("could not record the breaker state of webhook %s (%s): %s", webhookId, name, e.getMessage());
        }
    }

    /** An attempt the receiver failed, carried through the guard so that the breaker counts it. */
    private static final class ReceiverFailed extends RuntimeException {
        private final transient AttemptResult result;

        ReceiverFailed(AttemptResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
