package com.cataloghooks.delivery.history;

import com.cataloghooks.common.db.JdbcTransaction;
import com.cataloghooks.common.web.KeysetCursor;
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
import java.util.List;
import java.util.UUID;

/**
 * Deliveries across webhooks (or of one), newest first by {@code (created_at, id)}, a keyset page at a time, filtered
 * by status, event type, when they were planned and the product (the event's aggregate id). Only the filters given
 * are in the statement, so each reads an index: one webhook's {@code (webhook_id, created_at, id)}; across
 * webhooks, the same index once per webhook (a page from each, merged: no index of its own, so the delivery path
 * writes no extra index entry for the console's sake); or for a product its events by
 * {@code outbox_events (aggregate_id)}, then their deliveries by the {@code (event_id, webhook_id)} key. A product's deliveries are found while its events are kept
 * in the outbox ({@code catalog.retention.max-age}, as the deliveries themselves).
 */
@ApplicationScoped
public class DeliverySearch {

    /** What to list; null fields do not filter. {@code until} is exclusive. */
    public record Filter(UUID webhookId, String status, String event, String productId, Instant since, Instant until) {

        /** The same filter, for failed deliveries only (what "retry all matching" takes). */
        public Filter failedOnly() {
            return new Filter(webhookId, "failed", event, productId, since, until);
        }
    }

    /** A page of deliveries (without their attempts), and whether more follow. */
    public record Result(List<DeliveryResponse> items, boolean more) {
    }

    private static final String SELECT = """
            SELECT d.id, d.webhook_id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at,
                   d.last_error, d.body, d.created_at, d.updated_at, d.completed_at
            FROM webhook_deliveries d""";

    private final AgroalDataSource dataSource;

    public DeliverySearch(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The page after {@code after} (null: the first), newest first. */
    public Result page(Filter filter, int limit, KeysetCursor after) {
        return JdbcTransaction.run(dataSource, connection -> {
            List<DeliveryResponse> rows = new ArrayList<>();
            Where where = where(filter, after);
            String newest = " ORDER BY d.created_at DESC, d.id DESC LIMIT ?";
            String sql = perWebhook(filter)
                    ? "SELECT d.* FROM webhooks w CROSS JOIN LATERAL (" + SELECT + where.sql + " AND d.webhook_id = w.id"
                            + newest + ") d" + newest
                    : SELECT + where.sql + newest;
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int i = where.bind(select);
                select.setInt(i++, limit + 1);
                if (perWebhook(filter)) {
                    select.setInt(i, limit + 1);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(read(rs));
                    }
                }
            }
            boolean more = rows.size() > limit;
            return new Result(more ? rows.subList(0, limit) : rows, more);
        });
    }

    /** How many deliveries match, counting at most {@code cap + 1} (so "more than cap" costs cap rows). */
    public long countUpTo(Filter filter, int cap) {
        return JdbcTransaction.run(dataSource, connection -> {
            Where where = where(filter, null);
            String sql = perWebhook(filter)
                    ? "SELECT count(*) FROM (SELECT 1 FROM webhooks w CROSS JOIN LATERAL (" + SELECT + where.sql
                            + " AND d.webhook_id = w.id LIMIT ?) d LIMIT ?) m"
                    : "SELECT count(*) FROM (" + SELECT + where.sql + " LIMIT ?) m";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                int i = where.bind(select);
                select.setInt(i++, cap + 1);
                if (perWebhook(filter)) {
                    select.setInt(i, cap + 1);
                }
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The ids of the newest {@code max} deliveries that match. */
    public List<UUID> ids(Filter filter, int max) {
        return page(filter, max, null).items().stream().map(DeliveryResponse::id).toList();
    }

    /** Across webhooks, without a product to start from: read each webhook's own index, then merge. */
    private static boolean perWebhook(Filter filter) {
        return filter.webhookId() == null && filter.productId() == null;
    }

    private record Where(String sql, List<Object> values) {
        int bind(PreparedStatement statement) throws SQLException {
            int i = 1;
            for (Object value : values) {
                if (value instanceof Instant instant) {
                    statement.setTimestamp(i++, Timestamp.from(instant));
                } else {
                    statement.setObject(i++, value);
                }
            }
            return i;
        }
    }

    private static Where where(Filter filter, KeysetCursor after) {
        List<String> parts = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (filter.webhookId() != null) {
            parts.add("d.webhook_id = ?");
            values.add(filter.webhookId());
        }
        if (filter.productId() != null) {
            parts.add("d.event_id IN (SELECT o.id FROM outbox_events o WHERE o.aggregate_id = ?)");
            values.add(filter.productId());
        }
        if (filter.status() != null) {
            parts.add("d.status = ?");
            values.add(filter.status());
        }
        if (filter.event() != null) {
            parts.add("d.event_type = ?");
            values.add(filter.event());
        }
        if (filter.since() != null) {
            parts.add("d.created_at >= ?");
            values.add(filter.since());
        }
        if (filter.until() != null) {
            parts.add("d.created_at < ?");
            values.add(filter.until());
        }
        if (after != null) {
            parts.add("(d.created_at, d.id) < (?, ?)");
            values.add(after.createdAt());
            values.add(after.id());
        }
        parts.add(0, "TRUE");
        return new Where(" WHERE " + String.join(" AND ", parts), values);
    }

    private static DeliveryResponse read(ResultSet rs) throws SQLException {
        String status = rs.getString(5);
        return new DeliveryResponse(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                rs.getObject(3, UUID.class), rs.getString(4), status, rs.getInt(6),
                status.equals("pending") ? instant(rs.getTimestamp(7)) : null, rs.getString(8), rs.getString(9),
                instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)), List.of());
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
