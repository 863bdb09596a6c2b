package com.cataloghooks.webhook;

import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.webhook.api.WebhookHealth;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookRepository implements PanacheRepositoryBase<Webhook, UUID> {

    List<Webhook> page(Boolean active, PageRequest page) {
        return query(active).range(page.offset(), page.offset() + page.limit() - 1).list();
    }

    long count(Boolean active) {
        return query(active).count();
    }

    private PanacheQuery<Webhook> query(Boolean active) {
        Sort newestFirst = Sort.by("createdAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending);
        if (active == null) {
            return findAll(newestFirst);
        }
        return find("active = :active", newestFirst, Parameters.with("active", active));
    }

    /**
     * The first step of a delete: the webhook is deactivated, saying why, so that no event is planned for it and no
     * delivery of it claimed any more while its rows go. A single-row update: it waits, briefly, only for writes of
     * this one row (counters of attempts being recorded).
     *
     * @return false when there is no such webhook (any more)
     */
    boolean deactivateForDelete(UUID id) {
        return getEntityManager().createNativeQuery("""
                UPDATE webhooks
                SET is_active = false, updated_at = now(),
                    disabled_at = CASE WHEN disabled_reason = :reason THEN disabled_at ELSE now() END,
                    disabled_reason = :reason
                WHERE id = :id""")
                .setParameter("reason", DELETING).setParameter("id", id).executeUpdate() == 1;
    }

    /** A user (de)activated the webhook: its receiver's failing streak starts again from the next failure. */
    void clearFailingStreak(UUID id) {
        getEntityManager().createNativeQuery("UPDATE webhook_health SET failing_since = NULL WHERE webhook_id = :id")
                .setParameter("id", id).executeUpdate();
    }

    /** What an inactive webhook shows while its delete is under way, or after one was interrupted. */
    static final String DELETING = "a delete of this webhook is under way; if it was interrupted, DELETE it again";

    /** Where a delete's walk over a table starts: before every row. */
    static final String FIRST = "-infinity";

    /**
     * A batch of a delete: how many rows it removed, and the newest {@code created_at} among them (as PostgreSQL
     * prints it, exact to the microsecond), where the next batch starts; null when it removed none.
     */
    record Removed(int rows, String last) {
    }

    /**
     * Removes up to {@code limit} of the webhook's log rows, oldest first, from {@code from} on (a range of
     * {@code webhook_logs (webhook_id, created_at)}: each batch reads its own rows, not the ones removed before it),
     * each found again by its address ({@code ctid}, which cannot change while the row is locked here): an
     * {@code IN} of ids lets the planner scan the whole table to match them. Rows locked by another transaction are
     * skipped, never waited for; the webhook's own delete removes them.
     */
    Removed deleteLogs(UUID id, String from, int limit) {
        return deleteBatch("webhook_logs", id, from, limit);
    }

    /**
     * Removes up to {@code limit} of the webhook's deliveries, oldest first, from {@code from} on, as
     * {@link #deleteLogs} does. A delivery locked elsewhere (an attempt being recorded, a redelivery) is skipped:
     * the recorder locks several deliveries in an order of its own, and waiting for one here while holding others
     * could close a cycle.
     */
    Removed deleteDeliveries(UUID id, String from, int limit) {
        return deleteBatch("webhook_deliveries", id, from, limit);
    }

    /** One batch of {@link #deleteLogs} or {@link #deleteDeliveries}: {@code table} is one of those two names. */
    private Removed deleteBatch(String table, UUID id, String from, int limit) {
        return removed(getEntityManager().createNativeQuery("""
                WITH gone AS (
                    DELETE FROM %1$s
                    WHERE ctid = ANY (ARRAY(SELECT ctid FROM %1$s
                                            WHERE webhook_id = :id AND created_at >= CAST(:from AS timestamptz)
                                            ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED))
                    RETURNING created_at)
                SELECT count(*), CAST(max(created_at) AS text) FROM gone""".formatted(table))
                .setParameter("id", id).setParameter("from", from).setParameter("limit", limit).getSingleResult());
    }

    private static Removed removed(Object result) {
        Object[] row = (Object[]) result;
        return new Removed(((Number) row[0]).intValue(), (String) row[1]);
    }

    /**
     * The last step of a delete: what the batches left (rows that were locked, or written meanwhile, a few at most),
     * then the webhook. Deliveries first, then the webhook's row, the order in which attempts are recorded (delivery,
     * then its webhook's log and counters), so this never waits for a recorder while holding what it needs.
     *
     * @return whether the webhook's row was deleted here (false when another delete got there first)
     */
    boolean deleteRemains(UUID id) {
        getEntityManager().createNativeQuery("DELETE FROM webhook_deliveries WHERE webhook_id = :id")
                .setParameter("id", id).executeUpdate();
        return getEntityManager().createNativeQuery("DELETE FROM webhooks WHERE id = :id")
                .setParameter("id", id).executeUpdate() == 1;
    }

    /** The webhook's delivery attempts over the last 24 hours: how many, how many succeeded, p50 and p95 times. */
    WebhookHealth health(UUID id) {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("""
                SELECT count(*), count(*) FILTER (WHERE status_code BETWEEN 200 AND 299),
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY response_time_ms),
                       percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time_ms)
                FROM webhook_logs
                WHERE webhook_id = :id AND NOT test AND created_at > now() - interval '24 hours'""")
                .setParameter("id", id).getSingleResult();
        long attempts = ((Number) row[0]).longValue();
        long succeeded = ((Number) row[1]).longValue();
        return new WebhookHealth(attempts, succeeded, attempts == 0 ? null : (double) succeeded / attempts,
                row[2] == null ? null : ((Number) row[2]).intValue(), row[3] == null ? null : ((Number) row[3]).intValue());
    }
}
