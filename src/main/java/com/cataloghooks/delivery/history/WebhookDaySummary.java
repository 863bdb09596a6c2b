package com.cataloghooks.delivery.history;

import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How receivers did over the last 24 hours of delivery attempts (test sends excluded), for several webhooks at once:
 * one query over {@code webhook_logs}, a range of its {@code (webhook_id, created_at)} index per webhook. For the
 * console's list of webhooks, which shows every listed webhook's health at a glance.
 */
@ApplicationScoped
public class WebhookDaySummary {

    /**
     * One webhook's last 24 hours.
     *
     * @param p95ResponseMs the 95th percentile of response times (interpolated), null when no attempt had one
     */
    public record Day(long attempts, long succeeded, Integer p95ResponseMs) {

        /** Successful attempts (2xx) out of all, from 0 to 1. */
        public double successRate() {
            return attempts == 0 ? 0 : (double) succeeded / attempts;
        }

        /** The success rate as a person reads it, e.g. {@code 98.5%}. */
        public String successPercent() {
            double percent = successRate() * 100;
            return percent == Math.rint(percent) ? (long) percent + "%" : String.format(java.util.Locale.ROOT, "%.1f%%", percent);
        }
    }

    private static final String SQL = """
            SELECT webhook_id, count(*), count(*) FILTER (WHERE status_code BETWEEN 200 AND 299),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms)
            FROM webhook_logs
            WHERE webhook_id = ANY (?) AND NOT test AND created_at > now() - interval '24 hours'
            GROUP BY webhook_id""";

    private final AgroalDataSource dataSource;

    public WebhookDaySummary(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The last 24 hours of each of these webhooks that had an attempt in them; a webhook with none is absent. */
    public Map<UUID, Day> of(Collection<UUID> webhookIds) {
        if (webhookIds.isEmpty()) {
            return Map.of();
        }
        return JdbcTransaction.run(dataSource, connection -> {
            Map<UUID, Day> days = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(SQL)) {
                Array ids = connection.createArrayOf("uuid", webhookIds.toArray());
                select.setArray(1, ids);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        double p95 = rows.getDouble(4);
                        days.put(rows.getObject(1, UUID.class), new Day(rows.getLong(2), rows.getLong(3),
                                rows.wasNull() ? null : (int) Math.round(p95)));
                    }
                }
            }
            return days;
        });
    }
}
