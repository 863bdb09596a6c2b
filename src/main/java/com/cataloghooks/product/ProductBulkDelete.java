package com.cataloghooks.product;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.db.LockConflicts;
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
import java.util.List;
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
            List<Object[]> picked;
            do {
                progress.checkpoint();
                UUID from = after;
                picked = LockConflicts.retry(() -> QuarkusTransaction.requiringNew()
                        .call(() -> deleteBatch(from, batch, progress)));
                if (!picked.isEmpty()) {
                    after = (UUID) picked.get(picked.size() - 1)[0];
                }
            } while (picked.size() == batch);
        }

        /**
         * Picks the next matching products by id and deletes them; answers every picked id in order, with sku and
         * name for those it deleted (null for one deleted by someone else meanwhile), so the walk goes on past it.
         */
        @SuppressWarnings("unchecked")
        private List<Object[]> deleteBatch(UUID after, int batch, TaskProgress progress) {
            List<Object[]> picked = bind(entityManager.createNativeQuery("WITH picked AS (SELECT id FROM products"
                    + " WHERE " + where.clause() + " AND id > :after ORDER BY id LIMIT :batch),"
                    + " gone AS (DELETE FROM products WHERE id IN (SELECT id FROM picked) RETURNING id, sku, name)"
                    + " SELECT p.id, g.sku, g.name FROM picked p LEFT JOIN gone g ON g.id = p.id ORDER BY p.id"))
                    .setParameter("after", after)
                    .setParameter("batch", batch)
                    .getResultList();
            List<OutboxWriter.Change> changes = new ArrayList<>(picked.size());
            for (Object[] row : picked) {
                if (row[1] != null) {
                    changes.add(new OutboxWriter.Change(row[0].toString(),
                            ProductEvents.deletedData((UUID) row[0], (String) row[1], (String) row[2])));
                }
            }
            if (triggerWebhooks) {
                outbox.recordAll(EventType.PRODUCT_DELETED, changes);
            }
            progress.record(ProgressStep.deleted(picked.size(), changes.size()));
            return picked;
        }

        private Query bind(Query query) {
            where.params().forEach(query::setParameter);
            return query;
        }
    }
}
