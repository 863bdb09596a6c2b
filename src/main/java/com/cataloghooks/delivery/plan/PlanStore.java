package com.cataloghooks.delivery.plan;

import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.delivery.state.Position;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The planner's SQL: creates the delivery rows (every later change of a row is a transition of
 * {@code DeliveryTransitions}), and finds the events of the outbox a webhook never got, for a replay.
 */
@ApplicationScoped
public class PlanStore {

    private final AgroalDataSource dataSource;
    private final PlanFilters filters;

    public PlanStore(AgroalDataSource dataSource, PlanFilters filters) {
        this.dataSource = dataSource;
        this.filters = filters;
    }

    private <T> T inTransaction(JdbcTransaction.Work<T> work) {
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
     *
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
    public static final String MISSED_BATCH = "SELECT o.created_at, o.id, o.payload, o.seq " + MISSED
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
}
