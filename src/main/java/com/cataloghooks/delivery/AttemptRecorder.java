package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.TransientDatabaseFailure;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes down attempts in batches, each batch one transaction of three statements: the deliveries' new states
 * (only where the claim's token still holds), one log row per attempt, and the webhooks' counters, which change
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
    static final long MAX_WAIT_MS = 5000;

    private final DeliveryStore store;
    private final DeliveryMetrics metrics;
    private final CatalogConfig config;
    private final int bodyLimit;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    /** Entries queued or being written: zero once every outcome handed over is committed (or given up). */
    private final AtomicInteger unwritten = new AtomicInteger();
    private final TransientDatabaseFailure transientFailure = new TransientDatabaseFailure();
    private volatile Thread writer;
    private volatile boolean stopping;

    public AttemptRecorder(DeliveryStore store, DeliveryMetrics metrics, CatalogConfig config) {
        this.store = store;
        this.metrics = metrics;
        this.config = config;
        this.bodyLimit = config.delivery().responseBodyLimit();
    }

    /** What an attempt means for its delivery. */
    record Transition(String status, double waitSeconds, boolean held) {
        static final Transition SUCCEEDED = new Transition("succeeded", 0, false);
        static final Transition FAILED = new Transition("failed", 0, false);

        /** Another attempt in this replica after {@code waitSeconds}: the claim is kept over the wait. */
        static Transition retryHere(double waitSeconds) {
            return new Transition("in_flight", waitSeconds, false);
        }

        /** Another attempt after {@code waitSeconds}, by any replica: the claim is given up. */
        static Transition retryLater(double waitSeconds) {
            return new Transition("pending", waitSeconds, false);
        }

        /** Not attempted (its receiver's breaker is open): back to pending for {@code waitSeconds}, attempt unspent. */
        static Transition held(double waitSeconds) {
            return new Transition("pending", waitSeconds, true);
        }

        boolean finishes() {
            return status.equals("succeeded") || status.equals("failed");
        }
    }

    private record Entry(DeliveryJob job, int attempt, AttemptResult result, Transition transition, Instant at,
                         CompletableFuture<Boolean> done) {
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
     * @return completes once written: true if the claim still held, false if it was lost or could not be written
     */
    CompletionStage<Boolean> record(DeliveryJob job, int attempt, AttemptResult result, Transition transition) {
        Entry entry = new Entry(job, attempt, result, transition, Instant.now(), new CompletableFuture<>());
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
    void drainAndStop(long until) {
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
                complete(batch, store.inTransaction(connection -> writeBatch(connection, batch)));
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
                complete(List.of(entry), store.inTransaction(connection -> writeBatch(connection, List.of(entry))));
            } catch (RuntimeException e) {
                LOG.errorf("attempt %d of delivery %s could not be recorded (%s); it counts as made, and the delivery"
                                + " is taken up again when its lease runs out", entry.attempt(),
                        entry.job().deliveryId(), e.getMessage());
                entry.done().complete(false);
            }
        }
    }

    private void complete(List<Entry> batch, Set<UUID> owned) {
        for (Entry entry : batch) {
            boolean held = owned.contains(entry.job().deliveryId());
            if (held) {
                if (entry.result() != null && !entry.transition().held()) {
                    metrics.attempt(entry.result());
                }
                if (entry.transition().finishes()) {
                    metrics.finished(entry.transition() == Transition.SUCCEEDED);
                }
            }
            entry.done().complete(held);
        }
    }

    /** @return the deliveries whose claim still held, i.e. whose attempt was written */
    private Set<UUID> writeBatch(Connection connection, List<Entry> batch) throws SQLException {
        Set<UUID> owned = updateDeliveries(connection, batch);
        List<Entry> written = batch.stream().filter(e -> owned.contains(e.job().deliveryId())).toList();
        insertLogs(connection, written);
        countFinished(connection, written);
        return owned;
    }

    private Set<UUID> updateDeliveries(Connection connection, List<Entry> batch) throws SQLException {
        long leaseSeconds = config.delivery().lease().toSeconds();
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE webhook_deliveries d
                SET status = CASE WHEN d.status = 'pending' AND v.status = 'in_flight' THEN 'pending' ELSE v.status END,
                    updated_at = now(),
                    last_error = CASE WHEN v.held THEN d.last_error ELSE v.error END,
                    attempts = d.attempts - CASE WHEN v.held THEN 1 ELSE 0 END,
                    next_attempt_at = CASE WHEN v.status IN ('pending', 'in_flight')
                                           THEN now() + make_interval(secs => v.wait) ELSE d.next_attempt_at END,
                    completed_at = CASE WHEN v.status IN ('succeeded', 'failed') THEN now() END,
                    lease_owner = CASE WHEN v.status = 'in_flight' AND d.status = 'in_flight' THEN d.lease_owner END,
                    lease_token = CASE WHEN v.status = 'in_flight' AND d.status = 'in_flight' THEN d.lease_token END,
                    lease_until = CASE WHEN v.status = 'in_flight' AND d.status = 'in_flight'
                                       THEN now() + make_interval(secs => v.wait + w.timeout_seconds + ?) END
                FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::float8[], ?::bool[])
                         AS v(id, token, status, error, wait, held),
                     webhooks w
                WHERE d.id = v.id AND d.lease_token = v.token AND d.status IN ('in_flight', 'pending')
                  AND w.id = d.webhook_id
                RETURNING d.id""")) {
            update.setDouble(1, leaseSeconds);
            update.setArray(2, connection.createArrayOf("uuid", batch.stream().map(e -> e.job().deliveryId()).toArray()));
            update.setArray(3, connection.createArrayOf("uuid", batch.stream().map(e -> e.job().token()).toArray()));
            update.setArray(4, connection.createArrayOf("text", batch.stream().map(e -> e.transition().status()).toArray()));
            update.setArray(5, connection.createArrayOf("text", batch.stream()
                    .map(e -> e.transition() == Transition.SUCCEEDED ? null : ResponseText.clean(whatWentWrong(e), ERROR_LIMIT))
                    .toArray()));
            update.setArray(6, connection.createArrayOf("float8", batch.stream()
                    .map(e -> e.transition().waitSeconds()).toArray()));
            update.setArray(7, connection.createArrayOf("bool", batch.stream()
                    .map(e -> e.transition().held()).toArray()));
            Set<UUID> owned = new HashSet<>();
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    owned.add(rs.getObject(1, UUID.class));
                }
            }
            return owned;
        }
    }

    private void insertLogs(Connection connection, List<Entry> written) throws SQLException {
        List<Entry> attempts = written.stream().filter(e -> e.result() != null && !e.transition().held()).toList();
        if (attempts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO webhook_logs (id, webhook_id, delivery_id, event_id, event, attempt, payload, status_code,
                                          response_body, response_time_ms, error, test, created_at)
                SELECT gen_random_uuid(), v.webhook_id, v.delivery_id, v.event_id, v.event, v.attempt,
                       v.payload::jsonb, v.status_code, v.response_body, v.response_time_ms, v.error, false,
                       v.created_at::timestamptz
                FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::int4[], ?::text[], ?::int4[], ?::text[],
                            ?::int4[], ?::text[], ?::text[])
                     AS v(webhook_id, delivery_id, event_id, event, attempt, payload, status_code, response_body,
                          response_time_ms, error, created_at)""")) {
            insert.setArray(1, connection.createArrayOf("uuid", attempts.stream().map(e -> e.job().webhookId()).toArray()));
            insert.setArray(2, connection.createArrayOf("uuid", attempts.stream().map(e -> e.job().deliveryId()).toArray()));
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
            insert.executeUpdate();
        }
    }

    /**
     * Counters change once per finished delivery; webhooks in id order, so concurrent batches cannot deadlock. A
     * success ends the webhook's failing streak, a failure starts one if none runs; a {@code 410 Gone} deactivates
     * the webhook, saying why. A success after the breaker's open period shows it closed, whichever replica made it
     * (a breaker's own replica may have stopped before its probe).
     */
    private void countFinished(Connection connection, List<Entry> written) throws SQLException {
        Map<UUID, long[]> counts = new TreeMap<>();
        Map<UUID, String> lastErrors = new TreeMap<>();
        Map<UUID, String> gone = new TreeMap<>();
        for (Entry entry : written) {
            if (!entry.transition().finishes()) {
                continue;
            }
            long[] count = counts.computeIfAbsent(entry.job().webhookId(), id -> new long[2]);
            if (entry.transition() == Transition.SUCCEEDED) {
                count[0]++;
            } else {
                count[1]++;
                lastErrors.put(entry.job().webhookId(), error(entry));
                if (entry.result() != null && Integer.valueOf(410).equals(entry.result().statusCode())) {
                    gone.put(entry.job().webhookId(), "the receiver answered 410 Gone (delivery "
                            + entry.job().deliveryId() + "): it no longer wants these events");
                }
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE webhooks w
                SET success_count = w.success_count + v.succeeded, failure_count = w.failure_count + v.failed,
                    last_triggered_at = now(), last_error = coalesce(v.error, w.last_error),
                    failing_since = CASE WHEN v.succeeded > 0 THEN NULL ELSE coalesce(w.failing_since, now()) END,
                    breaker_state = CASE WHEN v.succeeded > 0 AND coalesce(w.breaker_open_until <= now(), true)
                                         THEN 'closed' ELSE w.breaker_state END,
                    breaker_open_until = CASE WHEN v.succeeded > 0 AND coalesce(w.breaker_open_until <= now(), true)
                                              THEN NULL ELSE w.breaker_open_until END,
                    is_active = w.is_active AND v.gone IS NULL,
                    disabled_reason = CASE WHEN w.is_active AND v.gone IS NOT NULL THEN v.gone
                                           ELSE w.disabled_reason END,
                    disabled_at = CASE WHEN w.is_active AND v.gone IS NOT NULL THEN now() ELSE w.disabled_at END
                FROM (SELECT * FROM unnest(?::uuid[], ?::int8[], ?::int8[], ?::text[], ?::text[])
                               AS u(id, succeeded, failed, error, gone) ORDER BY u.id) v
                WHERE w.id = v.id""")) {
            update.setArray(1, connection.createArrayOf("uuid", counts.keySet().toArray()));
            update.setArray(2, connection.createArrayOf("int8", counts.values().stream().map(c -> c[0]).toArray()));
            update.setArray(3, connection.createArrayOf("int8", counts.values().stream().map(c -> c[1]).toArray()));
            update.setArray(4, connection.createArrayOf("text", counts.keySet().stream().map(lastErrors::get).toArray()));
            update.setArray(5, connection.createArrayOf("text", counts.keySet().stream().map(gone::get).toArray()));
            update.executeUpdate();
        }
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
