package com.cataloghooks.common.retention;

import com.cataloghooks.common.config.CatalogConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the history tables from growing without bound: attempt logs, finished deliveries, published outbox
 * events and finished tasks (imports, bulk deletes) older than {@code catalog.retention.max-age} are deleted, a
 * batch per transaction, oldest first.
 * Pending work (unfinished deliveries, unpublished events) is never touched. Safe on several replicas at once:
 * a row deleted twice is simply gone.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /** Table → the condition that makes a row history, with {@code :cutoff} for the age limit. */
    private static final List<String[]> HISTORY = List.of(
            new String[] {"webhook_logs", "created_at < :cutoff"},
            new String[] {"webhook_deliveries", "completed_at < :cutoff AND status IN ('succeeded', 'failed')"},
            new String[] {"outbox_events", "published_at < :cutoff"},
            new String[] {"import_tasks", "finished_at < :cutoff"});

    private final EntityManager entityManager;
    private final CatalogConfig config;

    public RetentionJob(EntityManager entityManager, CatalogConfig config) {
        this.entityManager = entityManager;
        this.config = config;
    }

    @Scheduled(every = "${catalog.retention.interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        try {
            Map<String, Integer> deleted = purge(Instant.now().minus(config.retention().maxAge()));
            if (deleted.values().stream().anyMatch(n -> n > 0)) {
                LOG.infof("retention removed %s", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warnf("retention run failed, will try again: %s", e.getMessage());
        }
    }

    /** Deletes history older than {@code cutoff}; returns the rows removed per table. */
    public Map<String, Integer> purge(Instant cutoff) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        int batch = config.retention().batchSize();
        for (String[] table : HISTORY) {
            String sql = "DELETE FROM " + table[0] + " WHERE ctid IN (SELECT ctid FROM " + table[0]
                    + " WHERE " + table[1] + " LIMIT :batch)";
            int total = 0;
            int removed;
            do {
                removed = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(sql)
                        .setParameter("cutoff", cutoff)
                        .setParameter("batch", batch)
                        .executeUpdate());
                total += removed;
            } while (removed == batch);
            deleted.put(table[0], total);
        }
        return deleted;
    }
}
