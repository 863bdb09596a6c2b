package com.cataloghooks.product;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.outbox.OutboxWriter;
import com.cataloghooks.task.ProgressStep;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskProgress;
import com.cataloghooks.task.TaskRunner;
import com.cataloghooks.task.TaskWork;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deletes every product matching a filter as a background task, a batch per transaction in id order. Each batch
 * commits with its {@code product.deleted} events (unless the caller opted out), so a product is gone exactly when
 * its event is recorded. Products that start matching the filter while the task runs may be deleted too.
 */
@ApplicationScoped
public class ProductBulkDelete {

    private static final UUID BEFORE_ALL = new UUID(0, 0);

    private final TaskRunner runner;
    private final EntityManager entityManager;
    private final OutboxWriter outbox;
    private final CatalogConfig config;

    public ProductBulkDelete(TaskRunner runner, EntityManager entityManager, OutboxWriter outbox,
                             CatalogConfig config) {
        this.runner = runner;
        this.entityManager = entityManager;
        this.outbox = outbox;
        this.config = config;
    }

    /** Queues the deletion; returns the task id. */
    public UUID start(ProductFilter filter, boolean triggerWebhooks) {
        return runner.submit(TaskKind.BULK_DELETE, null, new Work(ProductRepository.where(filter), triggerWebhooks));
    }

    private final class Work implements TaskWork {

        private final ProductRepository.Where where;
        private final boolean triggerWebhooks;

        Work(ProductRepository.Where where, boolean triggerWebhooks) {
            this.where = where;
            this.triggerWebhooks = triggerWebhooks;
        }

        @Override
        public long count() {
            return QuarkusTransaction.requiringNew().call(() -> ((Number) bind(entityManager.createNativeQuery(
                    "SELECT count(*) FROM products WHERE " + where.clause())).getSingleResult()).longValue());
        }

        @Override
        public void run(TaskProgress progress) {
            UUID after = BEFORE_ALL;
            int batch = config.tasks().deleteBatchSize();
            List<Object[]> gone;
            do {
                UUID from = after;
                gone = QuarkusTransaction.requiringNew().call(() -> deleteBatch(from, batch, progress));
                if (!gone.isEmpty()) {
                    after = (UUID) gone.get(gone.size() - 1)[0];
                }
                progress.checkpoint();
            } while (gone.size() == batch);
        }

        @SuppressWarnings("unchecked")
        private List<Object[]> deleteBatch(UUID after, int batch, TaskProgress progress) {
            List<Object[]> gone = bind(entityManager.createNativeQuery("WITH gone AS (DELETE FROM products WHERE id IN"
                    + " (SELECT id FROM products WHERE " + where.clause() + " AND id > :after ORDER BY id LIMIT :batch)"
                    + " RETURNING id, sku, name) SELECT id, sku, name FROM gone ORDER BY id"))
                    .setParameter("after", after)
                    .setParameter("batch", batch)
                    .getResultList();
            if (triggerWebhooks) {
                List<OutboxWriter.Change> changes = new ArrayList<>(gone.size());
                for (Object[] row : gone) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("id", row[0].toString());
                    data.put("sku", row[1]);
                    data.put("name", row[2]);
                    changes.add(new OutboxWriter.Change(row[0].toString(), data));
                }
                outbox.recordAll(EventType.PRODUCT_DELETED, changes);
            }
            progress.record(ProgressStep.deleted(gone.size()));
            return gone;
        }

        private Query bind(Query query) {
            where.params().forEach(query::setParameter);
            return query;
        }
    }
}
