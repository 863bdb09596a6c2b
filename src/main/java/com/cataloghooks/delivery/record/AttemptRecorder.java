package com.cataloghooks.delivery.record;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.TransientDatabaseFailure;
import com.cataloghooks.delivery.history.RequestHeaders;
import com.cataloghooks.delivery.history.ResponseText;
import com.cataloghooks.delivery.state.AttemptResult;
import com.cataloghooks.delivery.state.Claimed;
import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.delivery.state.Transition;
import com.cataloghooks.webhook.health.ReceiverHealth;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The record stage: writes down attempts in batches, each batch one transaction of three statements: the deliveries'
 * transitions ({@link DeliveryTransitions#apply}, only where the claim's token still holds), one log row per attempt
 * (its request headers included, as {@link RequestHeaders} text),
 * and the receivers' health ({@link ReceiverHealth}: counters and failing streak), which change
 * once per finished delivery. Attempts queue up while a batch is being written, so the batch grows with the load
 * (group commit) and one commit serves many attempts.
 * <p>
 * What cannot be written is never retried in a loop: the attempt was counted when the delivery was claimed, so a
 * delivery whose recording keeps failing is taken up again when its lease runs out and ends after its attempts. A
 * batch that fails for any reason but a transient database failure is written entry by entry, so one bad entry
 * costs only itself, and that failure is logged.
 */
@ApplicationScoped
public class AttemptRecorder {

    private static final Logger LOG = Logger.getLogger(AttemptRecorder.class);
    private static final int ERROR_LIMIT = 1000;
    /** The longest wait between two tries of a batch while the database is away. */
    public static final long MAX_WAIT_MS = 5000;

    private final DeliveryTransitions transitions;
    private final ReceiverHealth health;
    private final DeliveryMetrics metrics;
    private final CatalogConfig config;
    private final int bodyLimit;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    /** Entries queued or being written: zero once every outcome handed over is committed (or given up). */
    private final AtomicInteger unwritten = new AtomicInteger();
    private final TransientDatabaseFailure transientFailure = new TransientDatabaseFailure();
    private volatile Thread writer;
    private volatile boolean stopping;

    public AttemptRecorder(DeliveryTransitions transitions, ReceiverHealth health, DeliveryMetrics metrics,
                           CatalogConfig config) {
        this.transitions = transitions;
        this.health = health;
        this.metrics = metrics;
        this.config = config;
        this.bodyLimit = config.delivery().responseBodyLimit();
    }

    /** @param requestHeaders the request's headers as the log keeps them ({@link RequestHeaders}), or null */
    private record Entry(Claimed job, int attempt, AttemptResult result, String requestHeaders, Transition transition,
                         Instant at, CompletableFuture<Boolean> done) {
    }

    void onStart(@Observes StartupEvent event) {
        Thread thread = new Thread(this::writeLoop, "attempt-recorder");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    /**
     * Queues an attempt (its result may be null: no attempt was made, e.g. none was left) and what it means.
     *
     * @param requestHeaders the headers the request went out with, in sending order, custom header values masked
     *                       (the log keeps them as given); null when no request was made
     * @return completes once written: true if the claim still held, false if it was lost or could not be written
     */
    public CompletionStage<Boolean> record(Claimed job, int attempt, AttemptResult result,
                                           Map<String, String> requestHeaders, Transition transition) {
        // written as JSON here, on the caller's thread, so the single writer only binds it
        Entry entry = new Entry(job, attempt, result, RequestHeaders.toJson(requestHeaders), transition, Instant.now(),
                new CompletableFuture<>());
        unwritten.incrementAndGet();
        entry.done().whenComplete((held, failure) -> unwritten.decrementAndGet());
        queue.add(entry);
        return entry.done();
    }

    /**
     * Waits (up to {@code until}, a System.nanoTime deadline) until everything handed over is written and committed,
     * the batch being written included, then stops. Called by the dispatcher's stop, once no attempt can start; the
     * recorder has no stop of its own, so it never stops before the attempts it is there to write.
     */
    public void drainAndStop(long until) {
        while (unwritten.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopping = true;
        Thread thread = writer;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void writeLoop() {
        int batchSize = config.delivery().recordBatchSize();
        List<Entry> batch = new ArrayList<>(batchSize);
        while (!stopping) {
            try {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                write(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.errorf(e, "recording %d attempts failed", batch.size());
                batch.forEach(entry -> entry.done().complete(false));
            } finally {
                batch.clear();
            }
        }
        queue.forEach(entry -> entry.done().complete(false));
    }

    /** Writes a batch, waiting out a database outage; any other failure is isolated to the entries that cause it. */
    private void write(List<Entry> batch) throws InterruptedException {
        long wait = 200;
        while (true) {
            try {
                complete(batch, transitions.inTransaction(connection -> writeBatch(connection, batch)));
                return;
            } catch (RuntimeException e) {
                if (!transientFailure.test(e)) {
                    writeOneByOne(batch);
                    return;
                }
                if (stopping) {
                    throw new InterruptedException("stopping");
                }
                LOG.warnf("database unavailable while recording %d attempts, retrying in %d ms: %s", batch.size(),
                        wait, e.getMessage());
                Thread.sleep(wait);
                wait = Math.min(wait * 2, MAX_WAIT_MS);
            }
        }
    }

    private void writeOneByOne(List<Entry> batch) {
        for (Entry entry : batch) {
            try {
                complete(List.of(entry), transitions.inTransaction(connection -> writeBatch(connection, List.of(entry))));
            } catch (RuntimeException e) {
                LOG.errorf("attempt %d of delivery %s could not be recorded (%s); it counts as made, and the delivery"
                                + " is taken up again when its lease runs out", entry.attempt(),
                        entry.job().id(), e.getMessage());
                entry.done().complete(false);
            }
        }
    }

    private void complete(List<Entry> batch, Set<UUID> owned) {
        for (Entry entry : batch) {
            boolean held = owned.contains(entry.job().id());
            if (held) {
                if (entry.result() != null && entry.transition().attempted()) {
                    metrics.attempt(entry.result());
                }
                if (entry.transition().finishes()) {
                    metrics.finished(entry.transition().succeeded());
                }
            }
            entry.done().complete(held);
        }
    }

    /** @return the deliveries whose claim still held, i.e. whose attempt was written */
    private Set<UUID> writeBatch(Connection connection, List<Entry> batch) throws SQLException {
        List<DeliveryTransitions.Step> steps = batch.stream().map(e -> new DeliveryTransitions.Step(e.job().id(),
                e.job().token(), e.transition(), ResponseText.clean(whatWentWrong(e), ERROR_LIMIT))).toList();
        Set<UUID> owned = transitions.apply(connection, steps, config.delivery().lease().toSeconds());
        List<Entry> written = batch.stream().filter(e -> owned.contains(e.job().id())).toList();
        insertLogs(connection, written);
        countFinished(connection, written);
        return owned;
    }

    private void insertLogs(Connection connection, List<Entry> written) throws SQLException {
        List<Entry> attempts = written.stream().filter(e -> e.result() != null && e.transition().attempted()).toList();
        if (attempts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO webhook_logs (id, webhook_id, delivery_id, event_id, event, attempt, payload, status_code,
                                          response_body, response_time_ms, error, test, created_at, request_headers)
                SELECT gen_random_uuid(), v.webhook_id, v.delivery_id, v.event_id, v.event, v.attempt,
                       v.payload::jsonb, v.status_code, v.response_body, v.response_time_ms, v.error, false,
                       v.created_at::timestamptz, v.request_headers
                FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::int4[], ?::text[], ?::int4[], ?::text[],
                            ?::int4[], ?::text[], ?::text[], ?::text[])
                     AS v(webhook_id, delivery_id, event_id, event, attempt, payload, status_code, response_body,
                          response_time_ms, error, created_at, request_headers)""")) {
            insert.setArray(1, connection.createArrayOf("uuid", attempts.stream().map(e -> e.job().webhookId()).toArray()));
            insert.setArray(2, connection.createArrayOf("uuid", attempts.stream().map(e -> e.job().id()).toArray()));
            insert.setArray(3, connection.createArrayOf("uuid", attempts.stream().map(e -> e.job().eventId()).toArray()));
            insert.setArray(4, connection.createArrayOf("text", attempts.stream().map(e -> e.job().eventType()).toArray()));
            insert.setArray(5, connection.createArrayOf("int4", attempts.stream().map(Entry::attempt).toArray()));
            insert.setArray(6, connection.createArrayOf("text", attempts.stream().map(e -> e.job().body()).toArray()));
            insert.setArray(7, connection.createArrayOf("int4", attempts.stream().map(e -> e.result().statusCode()).toArray()));
            insert.setArray(8, connection.createArrayOf("text", attempts.stream()
                    .map(e -> ResponseText.clean(e.result().responseBody(), bodyLimit)).toArray()));
            insert.setArray(9, connection.createArrayOf("int4", attempts.stream().map(e -> e.result().responseTimeMs()).toArray()));
            insert.setArray(10, connection.createArrayOf("text", attempts.stream()
                    .map(e -> ResponseText.clean(e.result().error(), ERROR_LIMIT)).toArray()));
            insert.setArray(11, connection.createArrayOf("text", attempts.stream()
                    .map(e -> e.at().toString()).toArray()));
            insert.setArray(12, connection.createArrayOf("text", attempts.stream().map(Entry::requestHeaders).toArray()));
            insert.executeUpdate();
        }
    }

    /** The webhooks' health: counters, failing streak, a {@code 410 Gone}, the breaker seen closed by a success. */
    private void countFinished(Connection connection, List<Entry> written) throws SQLException {
        List<ReceiverHealth.Finished> finished = new ArrayList<>();
        for (Entry entry : written) {
            if (!entry.transition().finishes()) {
                continue;
            }
            boolean gone = entry.result() != null && Integer.valueOf(410).equals(entry.result().statusCode());
            finished.add(new ReceiverHealth.Finished(entry.job().webhookId(), entry.transition().succeeded(),
                    entry.transition().succeeded() ? null : error(entry),
                    gone ? "the receiver answered 410 Gone (delivery " + entry.job().id()
                            + "): it no longer wants these events" : null));
        }
        health.countFinished(connection, finished);
    }

    private static String whatWentWrong(Entry entry) {
        return entry.result() == null
                ? "no attempts left (" + entry.attempt() + " of " + entry.job().maxAttempts() + " made)"
                : entry.result().error();
    }

    /** A failed delivery as its webhook keeps it: what went wrong, after how many attempts. */
    private static String error(Entry entry) {
        String error = whatWentWrong(entry);
        if (error != null && entry.result() != null) {
            error += " (after " + entry.attempt() + (entry.attempt() == 1 ? " attempt)" : " attempts)");
        }
        return ResponseText.clean(error, ERROR_LIMIT);
    }
}
