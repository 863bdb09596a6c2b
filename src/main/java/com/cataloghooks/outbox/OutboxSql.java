package com.cataloghooks.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The relay's two statements, on a connection whose transaction the relay controls. */
final class OutboxSql {

    private OutboxSql() {
    }

    /** Oldest unpublished events, locked so that another replica's relay skips them instead of waiting. */
    static List<OutboxEvent> lockUnpublished(Connection connection, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT id, event_type, aggregate_id, payload,"
                + " created_at FROM outbox_events WHERE published_at IS NULL ORDER BY created_at, id LIMIT ?"
                + " FOR UPDATE SKIP LOCKED")) {
            query.setInt(1, limit);
            try (ResultSet rs = query.executeQuery()) {
                List<OutboxEvent> events = new ArrayList<>();
                while (rs.next()) {
                    events.add(new OutboxEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant()));
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
