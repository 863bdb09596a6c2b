package com.cataloghooks.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The relay's two statements, on a connection whose transaction the relay controls. */
final class OutboxSql {

    /** The advisory lock key of the relay's turn (any constant; "outbox" in ASCII). */
    private static final long RELAY_LOCK = 0x6f7574626f78L;

    private OutboxSql() {
    }

    /** An event to publish: its number (the order of commits, per product), Kafka key and payload. */
    record Unpublished(UUID id, long seq, String aggregateId, String payload) {
    }

    /**
     * One relay at a time, over all replicas: relays running side by side could publish one product's events out of
     * order. Waits for another replica's relay round to end (a round is bounded by the publish timeout; the wait is
     * bounded by {@code lock_timeout}, past which this round fails and the poll tries again). Held until the
     * transaction ends.
     */
    static void takeRelayTurn(Connection connection, Duration wait) throws SQLException {
        try (Statement timeout = connection.createStatement()) {
            timeout.execute("SET LOCAL lock_timeout = " + Math.max(1, wait.toMillis()));
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, RELAY_LOCK);
            lock.executeQuery().close();
        }
    }

    /** The first unpublished events, in the order they were numbered. */
    static List<Unpublished> lockUnpublished(Connection connection, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT id, seq, aggregate_id, payload"
                + " FROM outbox_events WHERE published_at IS NULL ORDER BY seq LIMIT ?")) {
            query.setInt(1, limit);
            try (ResultSet rs = query.executeQuery()) {
                List<Unpublished> events = new ArrayList<>();
                while (rs.next()) {
                    events.add(new Unpublished(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3),
                            rs.getString(4)));
                }
                return events;
            }
        }
    }

    static void markPublished(Connection connection, List<UUID> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE outbox_events SET published_at = now() WHERE id = ANY (?)")) {
            update.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            update.executeUpdate();
        }
    }
}
