package com.cataloghooks.outbox;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEvent, UUID> {

    /** Oldest unpublished events, locked so that another replica's relay skips them instead of waiting. */
    @SuppressWarnings("unchecked")
    List<OutboxEvent> lockUnpublished(int limit) {
        return getEntityManager()
                .createNativeQuery("SELECT * FROM outbox_events WHERE published_at IS NULL "
                        + "ORDER BY created_at, id LIMIT :limit FOR UPDATE SKIP LOCKED", OutboxEvent.class)
                .setParameter("limit", limit)
                .getResultList();
    }

    int markPublished(Collection<UUID> ids, Instant when) {
        if (ids.isEmpty()) {
            return 0;
        }
        return update("publishedAt = ?1 where id in ?2", when, ids);
    }

    public long countUnpublished() {
        return count("publishedAt is null");
    }
}
