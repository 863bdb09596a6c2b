package com.cataloghooks.webhook.health;

import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A receiver's health, as the delivery side sees it, in its own row ({@code webhook_health}, one per webhook, off
 * the {@code webhooks} row so configuration writes, claims and recording never wait for one another): the
 * finished deliveries' counters and last error, the failing streak, a {@code 410 Gone} (which deactivates the
 * webhook), the circuit breaker's state, and the rate limit's window. Every write of those columns is here, but for
 * one: a user who (de)activates the webhook ends its failing streak ({@code WebhookRepository#clearFailingStreak}, in
 * the same transaction as the change). The webhook's row shows them through read-only formulas ({@code Webhook}).
 * <p>
 * Rows are locked in webhook id order wherever several are (the recorder's counters, the claim's rate windows), so
 * two of them never deadlock.
 */
@ApplicationScoped
public class ReceiverHealth {

    private final AgroalDataSource dataSource;

    public ReceiverHealth(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    // --- rate windows (in the claim's transaction) -------------------------------------------------------------

    /** The rate-limited webhooks a claim holds, what each may still start, in which one-second window. */
    public record RateWindow(Map<UUID, Integer> allowances, Timestamp start) {
    }

    /**
     * Before the claim, in its transaction: locks the health rows of the active rate-limited webhooks that have due
     * deliveries, in id order, so that two claims never both spend one allowance. {@code SKIP LOCKED}: a row held by
     * anybody else (another replica's claim, the recorder's counters, a delete) is not waited for; a webhook not
     * locked here gets nothing in this claim, and its turn comes in the next. The {@code webhooks} row is not locked
     * at all, so no configuration write stalls a claim.
     */
    public static final String RATE_LOCK = """
            SELECT h.webhook_id
            FROM webhooks w JOIN webhook_health h ON h.webhook_id = w.id
            WHERE w.rate_limit_per_second IS NOT NULL AND w.is_active
              AND EXISTS (SELECT 1 FROM webhook_deliveries d
                          WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now())
            ORDER BY h.webhook_id
            FOR NO KEY UPDATE OF h SKIP LOCKED""";

    /**
     * Once the locks are held: the current one-second window of the database clock (its time now, not the
     * transaction's start, which may lie before a wait for the lock) and what each locked webhook may still start in
     * it. Parameter: {@code uuid[]} the locked webhooks.
     */
    public static final String RATE_ALLOWANCE = """
            SELECT w.id, w.rate_limit_per_second
                         - CASE WHEN h.rate_window_start = c.window_start THEN h.rate_window_used ELSE 0 END,
                   c.window_start
            FROM webhooks w JOIN webhook_health h ON h.webhook_id = w.id,
                 (SELECT date_trunc('second', clock_timestamp()) AS window_start) c
            WHERE w.id = ANY (?::uuid[])""";

    /**
     * After the claim, in its transaction: counts what it claimed in the window {@link #RATE_ALLOWANCE} read.
     * Parameters: (1) and (2) the window start, (3) {@code uuid[]} webhooks, (4) {@code int[]} claimed for each.
     */
    public static final String RATE_USED = """
            UPDATE webhook_health h
            SET rate_window_used = v.claimed + CASE WHEN h.rate_window_start = ?::timestamptz
                                                    THEN h.rate_window_used ELSE 0 END,
                rate_window_start = ?::timestamptz
            FROM unnest(?::uuid[], ?::int[]) AS v(id, claimed)
            WHERE h.webhook_id = v.id""";

    public RateWindow lockRateWindows(Connection connection) throws SQLException {
        List<UUID> locked = new ArrayList<>();
        try (PreparedStatement lock = connection.prepareStatement(RATE_LOCK);
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
        try (PreparedStatement select = connection.prepareStatement(RATE_ALLOWANCE)) {
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

    /** Counts, per webhook, the requests a claim started in the window it read. */
    public void countRateUsed(Connection connection, Map<UUID, Integer> used, RateWindow window) throws SQLException {
        if (used.isEmpty()) {
            return;
        }
        Map<UUID, Integer> ordered = new TreeMap<>(used);
        try (PreparedStatement update = connection.prepareStatement(RATE_USED)) {
            update.setTimestamp(1, window.start());
            update.setTimestamp(2, window.start());
            update.setArray(3, connection.createArrayOf("uuid", ordered.keySet().toArray()));
            update.setArray(4, connection.createArrayOf("int4", ordered.values().toArray()));
            update.executeUpdate();
        }
    }

    // --- finished deliveries (in the recorder's transaction) ---------------------------------------------------

    /**
     * A delivery that finished.
     *
     * @param error what went wrong, for a failure
     * @param gone  why the webhook is deactivated, when its receiver answered {@code 410 Gone}; else null
     */
    public record Finished(UUID webhookId, boolean succeeded, String error, String gone) {
    }

    /**
     * Counters change once per finished delivery; rows in webhook id order. A success ends the failing streak, a
     * failure starts one if none runs; a {@code 410 Gone} deactivates the webhook, saying why (the one write of the
     * {@code webhooks} row here, rare). A success after the breaker's open period shows it closed, whichever replica
     * made it (a breaker's own replica may have stopped before its probe).
     */
    public void countFinished(Connection connection, List<Finished> finished) throws SQLException {
        Map<UUID, long[]> counts = new TreeMap<>();
        Map<UUID, String> lastErrors = new TreeMap<>();
        Map<UUID, String> gone = new TreeMap<>();
        for (Finished delivery : finished) {
            long[] count = counts.computeIfAbsent(delivery.webhookId(), id -> new long[2]);
            if (delivery.succeeded()) {
                count[0]++;
            } else {
                count[1]++;
                lastErrors.put(delivery.webhookId(), delivery.error());
                if (delivery.gone() != null) {
                    gone.put(delivery.webhookId(), delivery.gone());
                }
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        // Locked first, by a sort: an UPDATE joined to a list takes its rows in whatever order its plan reads them
        // (a hash join reads the table's), and two recorders taking two webhooks in opposite orders deadlock.
        try (PreparedStatement lock = connection.prepareStatement("""
                SELECT webhook_id FROM webhook_health WHERE webhook_id = ANY (?::uuid[])
                ORDER BY webhook_id FOR NO KEY UPDATE""")) {
            lock.setArray(1, connection.createArrayOf("uuid", counts.keySet().toArray()));
            lock.executeQuery().close();
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE webhook_health h
                SET success_count = h.success_count + v.succeeded, failure_count = h.failure_count + v.failed,
                    last_triggered_at = now(), last_error = coalesce(v.error, h.last_error),
                    failing_since = CASE WHEN v.succeeded > 0 THEN NULL ELSE coalesce(h.failing_since, now()) END,
                    breaker_state = CASE WHEN v.succeeded > 0 AND coalesce(h.breaker_open_until <= now(), true)
                                         THEN 'closed' ELSE h.breaker_state END,
                    breaker_open_until = CASE WHEN v.succeeded > 0 AND coalesce(h.breaker_open_until <= now(), true)
                                              THEN NULL ELSE h.breaker_open_until END
                FROM unnest(?::uuid[], ?::int8[], ?::int8[], ?::text[]) AS v(id, succeeded, failed, error)
                WHERE h.webhook_id = v.id""")) {
            update.setArray(1, connection.createArrayOf("uuid", counts.keySet().toArray()));
            update.setArray(2, connection.createArrayOf("int8", counts.values().stream().map(c -> c[0]).toArray()));
            update.setArray(3, connection.createArrayOf("int8", counts.values().stream().map(c -> c[1]).toArray()));
            update.setArray(4, connection.createArrayOf("text", counts.keySet().stream().map(lastErrors::get).toArray()));
            update.executeUpdate();
        }
        if (gone.isEmpty()) {
            return;
        }
        try (PreparedStatement deactivate = connection.prepareStatement("""
                UPDATE webhooks w
                SET is_active = false, disabled_reason = v.reason, disabled_at = now()
                FROM unnest(?::uuid[], ?::text[]) AS v(id, reason)
                WHERE w.id = v.id AND w.is_active
                  AND w.id IN (SELECT id FROM webhooks WHERE id = ANY (?::uuid[]) ORDER BY id FOR NO KEY UPDATE)""")) {
            deactivate.setArray(1, connection.createArrayOf("uuid", gone.keySet().toArray()));
            deactivate.setArray(2, connection.createArrayOf("text", gone.values().toArray()));
            deactivate.setArray(3, connection.createArrayOf("uuid", gone.keySet().toArray()));
            deactivate.executeUpdate();
        }
    }

    // --- the breaker (its own transaction) ---------------------------------------------------------------------

    /**
     * Writes a breaker's new state, where every replica's claim reads it: {@code open} holds the webhook's
     * deliveries for {@code openSeconds} from now.
     */
    public void breakerChanged(UUID webhookId, String state, double openSeconds) {
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_health
                    SET breaker_state = ?,
                        breaker_open_until = CASE WHEN ? THEN now() + make_interval(secs => ?) END
                    WHERE webhook_id = ?""")) {
                update.setString(1, state);
                update.setBoolean(2, state.equals("open"));
                update.setDouble(3, openSeconds);
                update.setObject(4, webhookId);
                return update.executeUpdate();
            }
        });
    }
}
