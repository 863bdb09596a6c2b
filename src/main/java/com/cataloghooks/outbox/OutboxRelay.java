package com.cataloghooks.outbox;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.common.event.EventSequence;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Moves committed outbox events to the {@code product-events} topic. Runs when a transaction that wrote events
 * commits, and on a timer for whatever an earlier round could not publish (broker down, service restarted).
 * An event is marked published only after the broker acknowledged it: a crash in between republishes it, and the
 * delivery side absorbs the duplicate by event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final AgroalDataSource dataSource;
    private final MutinyEmitter<String> emitter;
    private final CatalogConfig config;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean stopping;

    public OutboxRelay(AgroalDataSource dataSource, @Channel("product-events-out") MutinyEmitter<String> emitter,
                       CatalogConfig config) {
        this.dataSource = dataSource;
        this.emitter = emitter;
        this.config = config;
    }

    void onRecorded(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxEventRecorded event) {
        nudge();
    }

    @Scheduled(every = "${catalog.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        nudge();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        worker.shutdown();
        try {
            worker.awaitTermination(config.outbox().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks for one more drain; many nudges while a drain is queued collapse into that one. */
    public void nudge() {
        if (!stopping && scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        scheduled.set(false);
        try {
            int published;
            do {
                published = publishBatch();
            } while (published == config.outbox().batchSize() && !stopping);
        } catch (RuntimeException e) {
            LOG.warnf("outbox relay round failed, will retry: %s", e.getMessage());
        }
    }

    /**
     * @return how many events went out; fewer than a full batch ends the drain (plain JDBC: see
     *     {@link JdbcTransaction})
     */
    private int publishBatch() {
        return JdbcTransaction.run(dataSource, this::publish);
    }

    private int publish(Connection connection) throws SQLException {
        OutboxSql.takeRelayTurn(connection, config.outbox().publishTimeout().multipliedBy(2));
        List<OutboxSql.Unpublished> batch = OutboxSql.lockUnpublished(connection, config.outbox().batchSize());
        if (batch.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxSql.Unpublished event : batch) {
            acks.add(emitter.sendMessage(toMessage(event)).subscribeAsCompletionStage());
        }
        long deadline = System.nanoTime() + config.outbox().publishTimeout().toNanos();
        // Only the acknowledged head of the batch is marked: an event after one that failed is published again
        // after it (the planner absorbs the second copy), so no product's events are marked past a gap.
        List<UUID> acked = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                acked.add(batch.get(i).id());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                LOG.warnf("event %s not acknowledged by Kafka yet (%s); it and the events after it stay in the outbox",
                        batch.get(i).id(), e.getClass().getSimpleName());
                break;
            }
        }
        OutboxSql.markPublished(connection, acked);
        return acked.size() == batch.size() ? batch.size() : 0;
    }

    private static Message<String> toMessage(OutboxSql.Unpublished event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventSequence.HEADER, EventSequence.encode(event.seq()));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.aggregateId())
                .withHeaders(headers)
                .build();
        return Message.of(event.payload()).addMetadata(metadata);
    }
}
