package com.cataloghooks.delivery.state;

import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.webhook.health.ReceiverHealth;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The delivery state machine: every change of a {@code webhook_deliveries} row after the planner created it is one
 * of the transitions here, each one statement on a plain JDBC transaction (the work runs on the dispatcher's and
 * recorder's own threads, in batches, outside any request).
 * <pre>
 *            claim                 apply: SUCCEEDED / FAILED
 *  pending ─────────▶ in_flight ─────────────────────────────▶ succeeded, failed
 *     ▲  ◀──────────────┤  │ ▲                                         │
 *     │  apply: RETRY_LATER, HELD;   retryHere (apply: RETRY_HERE,      │
 *     │  requeue, release, expire     then the next attempt begins)     │
 *     └──────────────────────────────────────────────────────────────────┘
 *                        requeueFinished (redelivery, replay)
 * </pre>
 * Every transition after the claim names the claim's fencing token: a claim whose lease ran out and was taken over
 * changes nothing; expiry keeps the token, so a late outcome still wins over a resend. Times come from the database
 * clock, the one clock all replicas share. Transitions that make deliveries due now signal {@link Wakeups}.
 */
@ApplicationScoped
public class DeliveryTransitions {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;
    private final StoredSecrets secrets;
    private final Wakeups wakeups;
    private final ReceiverHealth health;

    public DeliveryTransitions(AgroalDataSource dataSource, ObjectMapper mapper, StoredSecrets secrets,
                               Wakeups wakeups, ReceiverHealth health) {
        this.health = health;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.secrets = secrets;
        this.wakeups = wakeups;
    }

    public <T> T inTransaction(JdbcTransaction.Work<T> work) {
        return JdbcTransaction.run(dataSource, work);
    }

    // --- claim -------------------------------------------------------------------------------------------------

    /** pending → in_flight: leases due deliveries, webhook by webhook, and counts their attempt; see {@link ClaimSql}. */
    public List<Claimed> claim(Map<UUID, Integer> running, int perWebhook, UUID cursor, int capacity, String owner,
                               long leaseSeconds) {
        return inTransaction(connection -> {
            ReceiverHealth.RateWindow window = health.lockRateWindows(connection);
            Map<UUID, Integer> allowances = window.allowances();
            List<Claimed> claimed = new ArrayList<>();
            try (PreparedStatement claim = connection.prepareStatement(ClaimSql.CLAIM)) {
                claim.setArray(1, connection.createArrayOf("uuid", running.keySet().toArray()));
                claim.setArray(2, connection.createArrayOf("int4", running.values().toArray()));
                claim.setArray(3, connection.createArrayOf("uuid", allowances.keySet().toArray()));
                claim.setArray(4, connection.createArrayOf("int4", allowances.values().toArray()));
                claim.setInt(5, perWebhook);
                claim.setInt(6, perWebhook);
                claim.setObject(7, cursor);
                claim.setInt(8, capacity);
                claim.setString(9, owner);
                claim.setDouble(10, leaseSeconds);
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(claimed(rs));
                    }
                }
            }
            countRateUsed(connection, claimed, window);
            return claimed;
        });
    }

    /**
     * One claimed row. A webhook value that does not decrypt (a key removed too early) makes this delivery unreadable,
     * to be recorded as a failed attempt, and costs no other delivery its claim.
     */
    private Claimed claimed(ResultSet rs) throws SQLException {
        String secret = null;
        String previousSecret = null;
        Map<String, String> headers = Map.of();
        String unreadable = null;
        try {
            secret = secrets.openSecret(rs.getString(9));
            headers = secrets.openHeaders(headers(rs.getString(10)));
            previousSecret = secrets.openSecret(rs.getString(13));
        } catch (RuntimeException e) {
            unreadable = "not sent: " + e.getMessage();
        }
        return new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3),
                rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6), rs.getObject(7, UUID.class),
                rs.getString(8), secret, headers, rs.getInt(11), rs.getInt(12), previousSecret, rs.getBoolean(14),
                unreadable);
    }

    private void countRateUsed(Connection connection, List<Claimed> claimed, ReceiverHealth.RateWindow window)
            throws SQLException {
        Map<UUID, Integer> used = new TreeMap<>();
        for (Claimed claim : claimed) {
            if (claim.rateLimited()) {
                used.merge(claim.webhookId(), 1, Integer::sum);
            }
        }
        health.countRateUsed(connection, used, window);
    }

    // --- outcomes ----------------------------------------------------------------------------------------------

    /** An attempt's outcome for {@link #apply}: the claim it was made under, where it takes the delivery, and why. */
    public record Step(UUID deliveryId, UUID token, Transition transition, String error) {
    }

    /**
     * The outcomes of a batch, each written where its claim's token still holds. Each delivery is found by primary
     * key: "not finished" is written as two inequalities, which imply no partial index's predicate, so the planner
     * cannot scan a partial index of unfinished deliveries instead (after a bulk insert, before the statistics are
     * refreshed, it takes such an index for empty and reads the whole backlog for every batch). Parameters: (1) the
     * lease margin in seconds, (2)-(7) the steps as arrays: id, token, status, error, wait in seconds, held.
     */
    public static final String APPLY = """
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
            WHERE d.id = v.id AND d.lease_token = v.token AND d.status <> 'succeeded' AND d.status <> 'failed'
              AND w.id = d.webhook_id
            RETURNING d.id""";

    /**
     * in_flight → succeeded / failed (finish), pending (retry later, held), or in_flight with a new lease over the
     * wait (retry here): a batch of outcomes in the caller's transaction, each only where its claim's token still
     * holds. A delivery that expired meanwhile (pending, token kept) takes its late outcome, but a retry here finds
     * it pending and leaves it so, due after the wait. A hold gives the attempt back.
     *
     * @return the deliveries whose claim still held, i.e. whose outcome was written
     */
    public Set<UUID> apply(Connection connection, List<Step> steps, long leaseSeconds) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(APPLY)) {
            update.setDouble(1, leaseSeconds);
            update.setArray(2, connection.createArrayOf("uuid", steps.stream().map(Step::deliveryId).toArray()));
            update.setArray(3, connection.createArrayOf("uuid", steps.stream().map(Step::token).toArray()));
            update.setArray(4, connection.createArrayOf("text", steps.stream()
                    .map(s -> s.transition().status()).toArray()));
            update.setArray(5, connection.createArrayOf("text", steps.stream()
                    .map(s -> s.transition().succeeded() ? null : s.error()).toArray()));
            update.setArray(6, connection.createArrayOf("float8", steps.stream()
                    .map(s -> s.transition().waitSeconds()).toArray()));
            update.setArray(7, connection.createArrayOf("bool", steps.stream()
                    .map(s -> s.transition().kind() == Transition.Kind.HELD).toArray()));
            Set<UUID> owned = new HashSet<>();
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    owned.add(rs.getObject(1, UUID.class));
                }
            }
            return owned;
        }
    }

    /**
     * in_flight → in_flight, the retry here begun: counts the attempt before it is sent, and extends the lease over
     * it; false when the claim is lost.
     */
    public boolean retryHere(UUID id, UUID token, long leaseSeconds) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries d
                    SET attempts = d.attempts + 1, updated_at = now(),
                        lease_until = now() + make_interval(secs => w.timeout_seconds + ?)
                    FROM webhooks w
                    WHERE w.id = d.webhook_id AND d.id = ? AND d.lease_token = ? AND d.status = 'in_flight'""")) {
                update.setDouble(1, leaseSeconds);
                update.setObject(2, id);
                update.setObject(3, token);
                return update.executeUpdate() == 1;
            }
        });
    }

    // --- hand back ---------------------------------------------------------------------------------------------

    /** in_flight → pending, due at once: a claimed delivery handed back (its webhook has no free slot here). */
    public boolean requeue(UUID id, UUID token) {
        boolean requeued = inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
                        lease_token = NULL, updated_at = now()
                    WHERE id = ? AND lease_token = ? AND status = 'in_flight'""")) {
                update.setObject(1, id);
                update.setObject(2, token);
                return update.executeUpdate() == 1;
            }
        });
        if (requeued) {
            wakeups.signal();
        }
        return requeued;
    }

    /**
     * in_flight → pending for every delivery this replica holds (shutdown), keeping each one's next attempt time;
     * the tokens go, so an attempt of this replica that ends later changes nothing.
     */
    public int release(String owner) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', lease_owner = NULL, lease_until = NULL, lease_token = NULL,
                        updated_at = now()
                    WHERE status = 'in_flight' AND lease_owner = ?""")) {
                update.setString(1, owner);
                return update.executeUpdate();
            }
        });
    }

    public static final int EXPIRE_BATCH = 500;

    /**
     * The claims that ran out, oldest first, at most {@link #EXPIRE_BATCH} a poll, read through the lease index in
     * its order. (After a bulk insert, until the statistics are refreshed, the planner may read the unfinished
     * deliveries instead: once a poll, bounded by the poll's statement timeout.) Parameters: (1) the grace in
     * seconds after the database started, (2) this replica, (3) {@code uuid[]} the deliveries it holds.
     */
    public static final String EXPIRED_CLAIMS = """
            SELECT id FROM webhook_deliveries
            WHERE status = 'in_flight' AND lease_until < now()
              AND pg_postmaster_start_time() < now() - make_interval(secs => ?)
              AND NOT (lease_owner = ? AND id = ANY (?::uuid[]))
            ORDER BY lease_until
            LIMIT %d
            FOR NO KEY UPDATE SKIP LOCKED""".formatted(EXPIRE_BATCH);

    /** Parameter: {@code uuid[]} the deliveries {@link #EXPIRED_CLAIMS} locked; found by primary key. */
    public static final String EXPIRE = """
            UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL, updated_at = now()
            WHERE id = ANY (?::uuid[])""";

    /**
     * in_flight → pending, due at once, for deliveries whose claim ran out (its replica died, or could not record
     * the attempt); the attempt they were claimed for counts as made. The claim's token stays until another claim
     * replaces it, so an outcome that arrives late still wins over a resend. Not expired: the deliveries this
     * replica still holds in memory (their outcome is on its way), nor any while the database itself has been up
     * for less than {@code graceSeconds} (after a restart of the database every replica needs a moment to write
     * what it has), nor any whose row is locked (an outcome being written for it right now: never waited for, so
     * expiry neither waits for a recorder nor deadlocks with one). The rows are picked first and then updated by
     * primary key, two plain statements, so the update never depends on how the planner joins a subquery: the one
     * {@code UPDATE ... WHERE id IN (SELECT ...)} this replaced ran for 12 to 14 minutes in CI, on statistics not
     * yet refreshed after a bulk insert.
     */
    public int expire(String owner, Collection<UUID> held, double graceSeconds) {
        int expired = inTransaction(connection -> {
            try (Statement bound = connection.createStatement()) {
                // bounded: a poll stuck here would stop every later poll (they never overlap); the next one retries
                bound.execute("SET LOCAL lock_timeout = '5s'");
                bound.execute("SET LOCAL statement_timeout = '15s'");
            }
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement pick = connection.prepareStatement(EXPIRED_CLAIMS)) {
                pick.setDouble(1, graceSeconds);
                pick.setString(2, owner);
                pick.setArray(3, connection.createArrayOf("uuid", held.toArray()));
                try (ResultSet rs = pick.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            try (PreparedStatement update = connection.prepareStatement(EXPIRE)) {
                update.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                return update.executeUpdate();
            }
        });
        if (expired > 0) {
            wakeups.signal();
        }
        return expired;
    }

    // --- finished deliveries sent again ------------------------------------------------------------------------

    /** Parameters: (1) webhook id, (2) {@code text[]} finished statuses to take; the caller adds the rows' filter. */
    private static final String REQUEUE_FINISHED = """
            UPDATE webhook_deliveries d
            SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL, last_error = NULL,
                lease_owner = NULL, lease_until = NULL, lease_token = NULL, updated_at = now()
            WHERE d.webhook_id = ? AND d.status = ANY (?::text[])""";

    /**
     * succeeded / failed → pending: a finished delivery sent again, due now, with a fresh set of attempts; its event
     * id (the {@code webhook-id} header) stays, so receivers can tell it is the same event.
     *
     * @return "requeued", or the status that kept it from being re-queued, or null when the webhook has no such
     * delivery
     */
    public String redeliver(UUID webhookId, UUID deliveryId) {
        String outcome = inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(REQUEUE_FINISHED + " AND d.id = ?");
                 PreparedStatement status = connection.prepareStatement(
                         "SELECT status FROM webhook_deliveries WHERE webhook_id = ? AND id = ?")) {
                update.setObject(1, webhookId);
                update.setArray(2, connection.createArrayOf("text", new Object[]{"succeeded", "failed"}));
                update.setObject(3, deliveryId);
                if (update.executeUpdate() == 1) {
                    return "requeued";
                }
                status.setObject(1, webhookId);
                status.setObject(2, deliveryId);
                try (ResultSet rs = status.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if ("requeued".equals(outcome)) {
            wakeups.signal();
        }
        return outcome;
    }

    /**
     * failed → pending, as {@link #redeliver}, for each of {@code deliveryIds} that is still failed and whose webhook
     * is active (what the API's redeliver requires); the others are left as they are. One statement: the caller
     * bounds the list.
     *
     * @return how many were re-queued
     */
    public int redeliverFailed(List<UUID> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return 0;
        }
        int requeued = inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries d
                    SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL,
                        last_error = NULL, lease_owner = NULL, lease_until = NULL, lease_token = NULL, updated_at = now()
                    FROM webhooks w
                    WHERE w.id = d.webhook_id AND w.is_active AND d.status = 'failed' AND d.id = ANY (?::uuid[])""")) {
                update.setArray(1, connection.createArrayOf("uuid", deliveryIds.toArray()));
                return update.executeUpdate();
            }
        });
        if (requeued > 0) {
            wakeups.signal();
        }
        return requeued;
    }

    /**
     * A replay's batch of finished deliveries: parameters (1) webhook id, (2) {@code text[]} statuses, (3) since,
     * (4) until, (5, 6) the position after which to read, (7) batch size. One range of
     * {@code webhook_deliveries_webhook_created_idx}, read backwards (ascending) from the position: no sort, and
     * each batch costs its own rows, not the window's. Locked: it waits for a redelivery of one of them rather
     * than pass it by.
     */
    public static final String PICK_FINISHED = """
            SELECT created_at, id FROM webhook_deliveries
            WHERE webhook_id = ? AND status = ANY (?::text[]) AND created_at >= ? AND created_at < ?
              AND (created_at, id) > (?, ?)
            ORDER BY created_at, id
            LIMIT ?
            FOR UPDATE""";

    /**
     * succeeded / failed → pending, as {@link #redeliver}, for the next batch (after {@code after}) of the webhook's
     * finished deliveries with one of {@code statuses}, planned in [{@code since}, {@code until}).
     *
     * @return the positions of the deliveries re-queued, in order
     */
    public List<Position> requeueFinished(UUID webhookId, List<String> statuses, Instant since, Instant until,
                                          Position after, int batch) {
        List<Position> requeued = inTransaction(connection -> {
            // picked first, then re-queued by id: a locking subquery inside the UPDATE may run once per row it
            // examines, each time on what the previous runs changed, and pick other rows than the batch
            List<Position> picked = new ArrayList<>();
            try (PreparedStatement pick = connection.prepareStatement(PICK_FINISHED)) {
                pick.setObject(1, webhookId);
                pick.setArray(2, connection.createArrayOf("text", statuses.toArray()));
                pick.setTimestamp(3, Timestamp.from(since));
                pick.setTimestamp(4, Timestamp.from(until));
                pick.setTimestamp(5, Timestamp.from(after.createdAt()));
                pick.setObject(6, after.id());
                pick.setInt(7, batch);
                try (ResultSet rs = pick.executeQuery()) {
                    while (rs.next()) {
                        picked.add(new Position(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class)));
                    }
                }
            }
            if (picked.isEmpty()) {
                return picked;
            }
            try (PreparedStatement update = connection.prepareStatement(
                    REQUEUE_FINISHED + " AND d.id = ANY (?::uuid[])")) {
                update.setObject(1, webhookId);
                update.setArray(2, connection.createArrayOf("text", statuses.toArray()));
                update.setArray(3, connection.createArrayOf("uuid", picked.stream().map(Position::id).toArray()));
                update.executeUpdate();
            }
            return picked;
        });
        if (!requeued.isEmpty()) {
            wakeups.signal();
        }
        return requeued;
    }

    /** Parameters: (1) webhook id, (2) {@code text[]} statuses, (3) since, (4) until. */
    private static final String COUNT_FINISHED = """
            SELECT count(*) FROM webhook_deliveries
            WHERE webhook_id = ? AND status = ANY (?::text[]) AND created_at >= ? AND created_at < ?""";

    /** How many deliveries {@link #requeueFinished} would re-queue over the whole window. */
    public long countFinished(UUID webhookId, List<String> statuses, Instant since, Instant until) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(COUNT_FINISHED)) {
                select.setObject(1, webhookId);
                select.setArray(2, connection.createArrayOf("text", statuses.toArray()));
                select.setTimestamp(3, Timestamp.from(since));
                select.setTimestamp(4, Timestamp.from(until));
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private Map<String, String> headers(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return mapper.readValue(json, HEADERS);
        } catch (IOException e) {
            throw new IllegalStateException("stored webhook headers are not a JSON object", e);
        }
    }
}
