package com.cataloghooks.webhook;

import com.cataloghooks.common.web.PageRequest;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
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

    /** Counts one delivered event; called once per delivery, never per attempt. */
    public void recordSuccess(UUID id, Instant when) {
        getEntityManager().createQuery("update Webhook set successCount = successCount + 1, lastTriggeredAt = :when"
                        + " where id = :id")
                .setParameter("when", when).setParameter("id", id).executeUpdate();
    }

    /** Counts one event given up on, keeping why; called once per delivery, never per attempt. */
    public void recordFailure(UUID id, Instant when, String error) {
        getEntityManager().createQuery("update Webhook set failureCount = failureCount + 1, lastTriggeredAt = :when,"
                        + " lastError = :error where id = :id")
                .setParameter("when", when).setParameter("error", error).setParameter("id", id).executeUpdate();
    }
}
