package com.cataloghooks.webhook;

import com.cataloghooks.common.web.PageRequest;
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
    void deleteDeliveries(UUID id) {
        getEntityManager().createNativeQuery("DELETE FROM webhook_deliveries WHERE webhook_id = :id")
                .setParameter("id", id).executeUpdate();
    }
}
