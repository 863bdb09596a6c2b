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


    /** Removes a webhook's deliveries (their logs keep no link to them and go with the webhook). */
    /** A user (de)activated the webhook: its receiver's failing streak starts again from the next failure. */
    void clearFailingStreak(UUID id) {
        getEntityManager().createNativeQuery("UPDATE webhook_health SET failing_since = NULL WHERE webhook_id = :id")
                .setParameter("id", id).executeUpdate();
    }

    void deleteDeliveries(UUID id) {
        getEntityManager().createNativeQuery("DELETE FROM webhook_deliveries WHERE webhook_id = :id")
                .setParameter("id", id).executeUpdate();
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
