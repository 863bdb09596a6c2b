package com.cataloghooks.delivery;

import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.JdbcTransaction;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The delivery table's state machine, in SQL, each step one statement on a plain JDBC transaction (the work runs on
 * the dispatcher's and recorder's own threads, in batches, outside any request). Every transition after the claim
 * names the claim's fencing token: a claim whose lease ran out and was taken over changes nothing. Times come from
 * the database clock, the one clock all replicas share.
 */
@ApplicationScoped
public class DeliveryStore {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;
    private final StoredSecrets secrets;
    private final PlanFilters filters;

    public DeliveryStore(AgroalDataSource dataSource, ObjectMapper mapper, StoredSecrets secrets, PlanFilters filters) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.secrets = secrets;
        this.filters = filters;
    }

    <T> T inTransaction(JdbcTransaction.Work<T> work) {
        return JdbcTransaction.run(dataSource, work);
    }

    /**
     * Records one pending delivery per event and active webhook subscribed to it, created before it and whose
     * payload filter (if any) its data passes, for a whole batch of events in one statement; an event seen before
     * adds nothing, and does not reach webhooks that subscribed after it happened.
     * <p>
     * The webhooks are read under {@code FOR KEY SHARE SKIP LOCKED}, the lock the foreign key would take anyway: it
     * conflicts only with a delete, so a webhook being deleted meanwhile is simply not planned for (instead of the
     * insert waiting for the delete and then failing on the foreign key), and no other webhook waits for it.
     */
    int plan(List<EventMessage> events) {
        return plan(events, null);
    }

    /**
     * @param onlyWebhook null for every active webhook; else only this webhook, active or not, whenever it was
     *                    created (a replay of the events it missed)
     */
    int plan(List<EventMessage> events, UUID onlyWebhook) {
        if (events.isEmpty()) {
            return 0;
        }
        return inTransaction(connection -> {
            List<UUID[]> passed = filters.passing(connection, events, onlyWebhook);
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                    next_attempt_at, created_at, updated_at, event_at, event_seq)
                    SELECT gen_random_uuid(), e.id, w.id, e.type, e.body, 'pending', 0, now(), now(), now(),
                           e.occurred_at, e.seq
                    FROM unnest(?::uuid[], ?::text[], ?::text[]::timestamptz[], ?::text[], ?::int8[])
                         AS e(id, type, occurred_at, body, seq)
                    JOIN (SELECT id, events, created_at, filter IS NOT NULL AS filtered FROM webhooks
                          WHERE CASE WHEN ?::uuid IS NULL THEN is_active ELSE id = ?::uuid END
                          FOR KEY SHARE SKIP LOCKED) w
                        ON e.type = ANY (w.events) AND (?::uuid IS NOT NULL OR w.created_at <= e.occurred_at)
                        AND (NOT w.filtered
                             OR (e.id, w.id) IN (SELECT * FROM unnest(?::uuid[], ?::uuid[])))
                    ON CONFLICT (event_id, webhook_id) DO NOTHING""")) {
                insert.setArray(1, connection.createArrayOf("uuid", events.stream().map(EventMessage::id).toArray()));
                insert.setArray(2, connection.createArrayOf("text", events.stream().map(EventMessage::type).toArray()));
                insert.setArray(3, connection.createArrayOf("text",
                        events.stream().map(e -> e.occurredAt().toString()).toArray()));
                insert.setArray(4, connection.createArrayOf("text", events.stream().map(EventMessage::body).toArray()));
                insert.setArray(5, connection.createArrayOf("int8", events.stream().map(EventMessage::seq).toArray()));
                insert.setObject(6, onlyWebhook);
                insert.setObject(7, onlyWebhook);
                insert.setObject(8, onlyWebhook);
                insert.setArray(9, connection.createArrayOf("uuid", passed.stream().map(p -> p[0]).toArray()));
                insert.setArray(10, connection.createArrayOf("uuid", passed.stream().map(p -> p[1]).toArray()));
                return insert.executeUpdate();
            }
        });
    }

    /** Leases due deliveries, webhook by webhook, and counts their attempt; see {@link ClaimSql}. */
    List<Claimed> claim(Map<UUID, Integer> running, int perWebhook, UUID cursor, int capacity, String owner,
                        long leaseSeconds) {
        return inTransaction(connection -> {
            RateWindow window = rateWindow(connection);
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

    /** The rate-limited webhooks this claim holds, what each may still start, in which window. */
    private record RateWindow(Map<UUID, Integer> allowances, Timestamp start) {
    }

    private static RateWindow rateWindow(Connection connection) throws SQLException {
        List<UUID> locked = new ArrayList<>();
        try (PreparedStatement lock = connection.prepareStatement(ClaimSql.RATE_LOCK);
             ResultSet rs = lock.executeQuery()) {
            while (rs.next()) {
                locked.add(rs.getObject(1, UUID.class));
            }
        }
        Map<UUID, Integer> allowances = new LinkedHashMap<>();
        if (locked.isEmpty()) {
            return new RateWindow(allowances, null);
        }
        Timestamp start = null;
        try (PreparedStatement select = connection.prepareStatement(ClaimSql.RATE_ALLOWANCE)) {
            select.setArray(1, connection.createArrayOf("uuid", locked.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    allowances.put(rs.getObject(1, UUID.class), Math.max(0, rs.getInt(2)));
                    start = rs.getTimestamp(3);
                }
            }
        }
        return new RateWindow(allowances, start);
    }

    private static void countRateUsed(Connection connection, List<Claimed> claimed, RateWindow window)
            throws SQLException {
        Map<UUID, Integer> used = new TreeMap<>();
        for (Claimed claim : claimed) {
            if (claim.rateLimited()) {
                used.merge(claim.webhookId(), 1, Integer::sum);
            }
        }
        if (used.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(ClaimSql.RATE_USED)) {
            update.setTimestamp(1, window.start());
            update.setTimestamp(2, window.start());
            update.setArray(3, connection.createArrayOf("uuid", used.keySet().toArray()));
            update.setArray(4, connection.createArrayOf("int4", used.values().toArray()));
            update.executeUpdate();
        }
    }

    /**
     * Deliveries whose claim ran out (its replica died, or could not record the attempt) go back to pending, due at
     * once; the attempt they were claimed for counts as made. The claim's token stays until another claim replaces
     * it, so an outcome that arrives late still wins over a resend. Not expired: the deliveries this replica still
     * holds in memory (their outcome is on its way), nor any while the database itself has been up for less than
     * {@code graceSeconds} (after a restart of the database every replica needs a moment to write what it has).
     */
    int expireLeases(String owner, Collection<UUID> held, double graceSeconds) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
                        updated_at = now()
                    WHERE status = 'in_flight' AND lease_until < now()
                      AND pg_postmaster_start_time() < now() - make_interval(secs => ?)
                      AND NOT (lease_owner = ? AND id = ANY (?::uuid[]))""")) {
                update.setDouble(1, graceSeconds);
                update.setString(2, owner);
                update.setArray(3, connection.createArrayOf("uuid", held.toArray()));
                return update.executeUpdate();
            }
        });
    }

    /** Counts an in-process retry before it is sent, and extends the lease over it; false when the claim is lost. */
    boolean beginRetry(UUID id, UUID token, long leaseSeconds) {
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

    /** Hands a claimed delivery back, due at once (its webhook has no free slot here for an in-process retry). */
    boolean requeue(UUID id, UUID token) {
        return inTransaction(connection -> {
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
    }

    /**
     * Hands back every delivery this replica holds (shutdown), keeping each one's next attempt time; the tokens go,
     * so an attempt of this replica that ends later changes nothing.
     */
    int release(String owner) {
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

    /**
     * Sends a finished delivery again: pending, due now, with a fresh set of attempts; its event id (the
     * {@code webhook-id} header) stays, so receivers can tell it is the same event.
     *
     * @return "requeued", or the status that kept it from being re-queued, or null when the webhook has no such
     * delivery
     */
    String redeliver(UUID webhookId, UUID deliveryId) {
        return inTransaction(connection -> {
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
    }

    /**
     * Where a replay's walk over a window has got to: the last row it took, in {@code (created_at, id)} order, the
     * order of the index it reads. A row's {@code created_at} never changes, so a row re-queued (and failed again)
     * behind the position is not met twice.
     */
    record Position(Instant createdAt, UUID id) {

        /** Before every row of a window starting at {@code since} (no row has the nil id). */
        static Position start(Instant since) {
            return new Position(since, new UUID(0, 0));
        }
    }

    /**
     * A replay's batch of finished deliveries: parameters (1) webhook id, (2) {@code text[]} statuses, (3) since,
     * (4) until, (5, 6) the position after which to read, (7) batch size. One range of
     * {@code webhook_deliveries_webhook_created_idx}, read backwards (ascending) from the position: no sort, and
     * each batch costs its own rows, not the window's. Locked: it waits for a redelivery of one of them rather
     * than pass it by.
     */
    static final String PICK_FINISHED = """
            SELECT created_at, id FROM webhook_deliveries
            WHERE webhook_id = ? AND status = ANY (?::text[]) AND created_at >= ? AND created_at < ?
              AND (created_at, id) > (?, ?)
            ORDER BY created_at, id
            LIMIT ?
            FOR UPDATE""";

    /**
     * Re-queues, as {@link #redeliver} does, the next batch (after {@code after}) of the webhook's finished
     * deliveries with one of {@code statuses}, planned in [{@code since}, {@code until}).
     *
     * @return the positions of the deliveries re-queued, in order
     */
    List<Position> requeueBatch(UUID webhookId, List<String> statuses, Instant since, Instant until, Position after,
                                int batch) {
        return inTransaction(connection -> {
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
    }

    /** Parameters: (1) webhook id, (2) {@code text[]} statuses, (3) since, (4) until. */
    private static final String COUNT_FINISHED = """
            SELECT count(*) FROM webhook_deliveries
            WHERE webhook_id = ? AND status = ANY (?::text[]) AND created_at >= ? AND created_at < ?""";

    /** How many deliveries {@link #requeueBatch} would re-queue over the whole window. */
    long countFinished(UUID webhookId, List<String> statuses, Instant since, Instant until) {
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

    /**
     * Events of the window, of types the webhook subscribes to, that have no delivery for it: parameters (1) since,
     * (2) until, (3) {@code text[]} the webhook's event types, (4) webhook id. The window is a range of
     * {@code outbox_events_created_idx}; each event is one probe of {@code webhook_deliveries_event_webhook_uq}. The
     * types are a value, not a join on {@code webhooks}: the planner then knows how many events they match, and
     * does not take a large window for a few rows it may as well sort.
     */
    private static final String MISSED = """
            FROM outbox_events o
            WHERE o.created_at >= ? AND o.created_at < ? AND o.event_type = ANY (?::text[])
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = o.id AND d.webhook_id = ?)""";

    private static final String COUNT_MISSED = "SELECT count(*) " + MISSED;

    /** {@link #MISSED}, then (5, 6) the position after which to read and (7) the batch size. */
    static final String MISSED_BATCH = "SELECT o.created_at, o.id, o.payload, o.seq " + MISSED
            + " AND (o.created_at, o.id) > (?, ?) ORDER BY o.created_at, o.id LIMIT ?";

    long countMissed(UUID webhookId, Instant since, Instant until) {
        return inTransaction(connection -> {
            Object[] types = subscribedTypes(connection, webhookId);
            if (types.length == 0) {
                return 0L;
            }
            try (PreparedStatement select = connection.prepareStatement(COUNT_MISSED)) {
                bindMissed(connection, select, webhookId, types, since, until);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** A missed event of the outbox, as it went to Kafka (with its number in commit order), and where it is in the window. */
    record MissedEvent(Position position, String payload, long seq) {
    }

    /** The next batch (after {@code after}) of missed events. */
    List<MissedEvent> missedBatch(UUID webhookId, Instant since, Instant until, Position after, int batch) {
        return inTransaction(connection -> {
            List<MissedEvent> rows = new ArrayList<>();
            Object[] types = subscribedTypes(connection, webhookId);
            if (types.length == 0) {
                return rows;
            }
            try (PreparedStatement select = connection.prepareStatement(MISSED_BATCH)) {
                bindMissed(connection, select, webhookId, types, since, until);
                select.setTimestamp(5, Timestamp.from(after.createdAt()));
                select.setObject(6, after.id());
                select.setInt(7, batch);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new MissedEvent(new Position(rs.getTimestamp(1).toInstant(),
                                rs.getObject(2, UUID.class)), rs.getString(3), rs.getLong(4)));
                    }
                }
                return rows;
            }
        });
    }

    private static void bindMissed(Connection connection, PreparedStatement select, UUID webhookId, Object[] types,
                                   Instant since, Instant until) throws SQLException {
        select.setTimestamp(1, Timestamp.from(since));
        select.setTimestamp(2, Timestamp.from(until));
        select.setArray(3, connection.createArrayOf("text", types));
        select.setObject(4, webhookId);
    }

    /** The event types the webhook subscribes to now; none when it is gone. */
    private static Object[] subscribedTypes(Connection connection, UUID webhookId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT events FROM webhooks WHERE id = ?")) {
            select.setObject(1, webhookId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? (Object[]) rs.getArray(1).getArray() : new Object[0];
            }
        }
    }

    /** Parameters: (1) webhook id, (2) {@code text[]} finished statuses to take; the caller adds the rows' filter. */
    private static final String REQUEUE_FINISHED = """
            UPDATE webhook_deliveries d
            SET status = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL, last_error = NULL,
                lease_owner = NULL, lease_until = NULL, lease_token = NULL, updated_at = now()
            WHERE d.webhook_id = ? AND d.status = ANY (?::text[])""";

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

    /**
     * A delivery this replica has just claimed, for the attempt numbered {@code attempt}; its webhook's secret and
     * header values decrypted ({@code SecretReencryption} checks at startup that every stored value decrypts; should
     * one not, {@code unreadable} says why, and the delivery is not sent).
     */
    record Claimed(UUID id, UUID token, int attempt, UUID eventId, String eventType, String body, UUID webhookId,
                   String url, String secret, Map<String, String> headers, int timeoutSeconds, int retryCount,
                   String previousSecret, boolean rateLimited, String unreadable) {

        @Override
        public String toString() {
            return "Claimed[id=" + id + ", webhook=" + webhookId + ", attempt=" + attempt + "]";
        }
    }
}
