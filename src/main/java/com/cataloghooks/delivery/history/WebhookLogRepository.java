package com.cataloghooks.delivery.history;

import com.cataloghooks.common.web.PageRequest;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookLogRepository implements PanacheRepositoryBase<WebhookLog, UUID> {

    /** Newest first. */
    public List<WebhookLog> page(UUID webhookId, PageRequest page) {
        return find("webhookId", Sort.by("createdAt", Sort.Direction.Descending).and("attempt", Sort.Direction.Descending),
                webhookId)
                .range(page.offset(), page.offset() + page.limit() - 1)
                .list();
    }
}
