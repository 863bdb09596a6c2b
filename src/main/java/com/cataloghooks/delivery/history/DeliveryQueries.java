package com.cataloghooks.delivery.history;

import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.common.web.KeysetCursor;
import com.cataloghooks.delivery.api.DeliveryAttempt;
import com.cataloghooks.delivery.api.DeliveryResponse;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads a webhook's deliveries for the API: newest first by (created_at, id), a keyset page at a time, each with its
 * attempts. The page is one probe of the {@code (webhook_id, created_at, id)} index, the attempts one more query.
 */
@ApplicationScoped
public class DeliveryQueries {

    /** What to list; null fields do not filter. */
    public record Filter(String status, String event, Instant since, Instant until) {
    }

    /** A page of deliveries, and whether more follow. */
    public record Result(List<DeliveryResponse> items, boolean more) {
    }

    private final AgroalDataSource dataSource;

    public DeliveryQueries(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result page(UUID webhookId, Filter filter, int limit, KeysetCursor after) {
        return JdbcTransaction.run(dataSource, connection -> {
            List<DeliveryResponse> rows = deliveries(connection, webhookId, filter, limit + 1, after);
            boolean more = rows.size() > limit;
            List<DeliveryResponse> page = more ? rows.subList(0, limit) : rows;
            return new Result(withAttempts(connection, page), more);
        });
    }

    /** One delivery of the webhook, or null. */
    public DeliveryResponse one(UUID webhookId, UUID deliveryId) {
        return JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT + " WHERE webhook_id = ? AND id = ?")) {
                select.setObject(1, webhookId);
                select.setObject(2, deliveryId);
                List<DeliveryResponse> rows = read(select);
                return rows.isEmpty() ? null : withAttempts(connection, rows).get(0);
            }
        });
    }

    private static final String SELECT = """
            SELECT id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, last_error, body,
                   created_at, updated_at, completed_at
            FROM webhook_deliveries""";

    private static List<DeliveryResponse> deliveries(Connection connection, UUID webhookId, Filter filter, int limit,
                                                     KeysetCursor after) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + """
                 WHERE webhook_id = ?
                  AND (?::text IS NULL OR status = ?::text)
                  AND (?::text IS NULL OR event_type = ?::text)
                  AND (?::timestamptz IS NULL OR created_at >= ?::timestamptz)
                  AND (?::timestamptz IS NULL OR created_at < ?::timestamptz)
                  AND (?::timestamptz IS NULL OR (created_at, id) < (?::timestamptz, ?::uuid))
                ORDER BY created_at DESC, id DESC
                LIMIT ?""")) {
            int i = 1;
            select.setObject(i++, webhookId);
            select.setString(i++, filter.status());
            select.setString(i++, filter.status());
            select.setString(i++, filter.event());
            select.setString(i++, filter.event());
            Timestamp since = timestamp(filter.since());
            select.setTimestamp(i++, since);
            select.setTimestamp(i++, since);
            Timestamp until = timestamp(filter.until());
            select.setTimestamp(i++, until);
            select.setTimestamp(i++, until);
            Timestamp afterTime = after == null ? null : timestamp(after.createdAt());
            select.setTimestamp(i++, afterTime);
            select.setTimestamp(i++, afterTime);
            select.setObject(i++, after == null ? null : after.id());
            select.setInt(i, limit);
            return read(select);
        }
    }

    private static List<DeliveryResponse> read(PreparedStatement select) throws SQLException {
        List<DeliveryResponse> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                String status = rs.getString(5);
                rows.add(new DeliveryResponse(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getString(4), status, rs.getInt(6),
                        status.equals("pending") ? instant(rs.getTimestamp(7)) : null, rs.getString(8), rs.getString(9),
                        instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                        List.of()));
            }
        }
        return rows;
    }

    private static List<DeliveryResponse> withAttempts(Connection connection, List<DeliveryResponse> page)
            throws SQLException {
        if (page.isEmpty()) {
            return page;
        }
        Map<UUID, List<DeliveryAttempt>> attempts = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT delivery_id, id, attempt, status_code, response_time_ms, response_body, error, created_at,
                       request_headers
                FROM webhook_logs WHERE delivery_id = ANY (?::uuid[])
                ORDER BY created_at, attempt""")) {
            select.setArray(1, connection.createArrayOf("uuid", page.stream().map(DeliveryResponse::id).toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    attempts.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
                            .add(new DeliveryAttempt(rs.getObject(2, UUID.class), rs.getInt(3),
                                    RequestHeaders.fromJson(rs.getString(9)), (Integer) rs.getObject(4), (Integer) rs.getObject(5), rs.getString(6),
                                    rs.getString(7), instant(rs.getTimestamp(8))));
                }
            }
        }
        return page.stream().map(d -> new DeliveryResponse(d.id(), d.webhookId(), d.eventId(), d.event(), d.status(),
                d.attempts(), d.nextAttemptAt(), d.lastError(), d.payload(), d.createdAt(), d.updatedAt(),
                d.completedAt(), attempts.getOrDefault(d.id(), List.of()))).toList();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
