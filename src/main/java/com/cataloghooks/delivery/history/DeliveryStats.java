package com.cataloghooks.delivery.history;

import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The attempts of a recent window, per bucket of time, by outcome, with their p95 latency, from {@code webhook_logs}
 * (test sends left out): one range of {@code webhook_logs_created_idx} for all webhooks, of
 * {@code webhook_logs_webhook_created_idx} for one. An attempt's outcome: {@code succeeded} (a 2xx), {@code failed}
 * (the delivery's last attempt failed: its webhook's {@code retry_count} was used up, or the receiver answered
 * {@code 410 Gone}), else {@code retrying} (it failed and another attempt follows). Read against the webhook's
 * current {@code retry_count}: an attempt made before the count was changed is classed by the new one.
 */
@ApplicationScoped
public class DeliveryStats {

    /** One bucket, starting at {@code start}: attempts by outcome, and their p95 latency in ms (null: none timed). */
    public record Bucket(Instant start, long succeeded, long retrying, long failed, Integer p95Ms) {
        public long total() {
            return succeeded + retrying + failed;
        }
    }

    private final AgroalDataSource dataSource;

    public DeliveryStats(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Every bucket of {@code [since, until)} in order, empty ones included; {@code since} is rounded down to the
     * bucket size. {@code webhookId} null: all webhooks.
     */
    public List<Bucket> buckets(UUID webhookId, Instant since, Instant until, Duration bucket) {
        long size = bucket.toSeconds();
        long first = Math.floorDiv(since.getEpochSecond(), size) * size;
        int count = (int) ((until.getEpochSecond() - first + size - 1) / size);
        List<Bucket> found = JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT floor((extract(epoch FROM l.created_at) - ?) / ?)::int AS n,
                           count(*) FILTER (WHERE l.status_code BETWEEN 200 AND 299),
                           count(*) FILTER (WHERE NOT coalesce(l.status_code BETWEEN 200 AND 299, false)
                                              AND l.attempt < 1 + w.retry_count AND l.status_code IS DISTINCT FROM 410),
                           count(*) FILTER (WHERE NOT coalesce(l.status_code BETWEEN 200 AND 299, false)
                                              AND (l.attempt >= 1 + w.retry_count OR l.status_code = 410)),
                           percentile_disc(0.95) WITHIN GROUP (ORDER BY l.response_time_ms)
                    FROM webhook_logs l JOIN webhooks w ON w.id = l.webhook_id
                    WHERE l.created_at >= ? AND l.created_at < ? AND NOT l.test
                    """ + (webhookId == null ? "" : " AND l.webhook_id = ?") + " GROUP BY 1")) {
                select.setLong(1, first);
                select.setLong(2, size);
                select.setTimestamp(3, Timestamp.from(Instant.ofEpochSecond(first)));
                select.setTimestamp(4, Timestamp.from(until));
                if (webhookId != null) {
                    select.setObject(5, webhookId);
                }
                List<Bucket> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Bucket(Instant.ofEpochSecond(first + rs.getLong(1) * size), rs.getLong(2),
                                rs.getLong(3), rs.getLong(4), (Integer) rs.getObject(5)));
                    }
                }
                return rows;
            }
        });
        Bucket[] all = new Bucket[count];
        for (Bucket b : found) {
            int n = (int) ((b.start().getEpochSecond() - first) / size);
            if (n >= 0 && n < count) {
                all[n] = b;
            }
        }
        List<Bucket> buckets = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            buckets.add(all[n] != null ? all[n] : new Bucket(Instant.ofEpochSecond(first + (long) n * size), 0, 0, 0, null));
        }
        return buckets;
    }
}
