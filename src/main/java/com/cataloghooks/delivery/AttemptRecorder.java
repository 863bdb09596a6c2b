package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.webhook.WebhookRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import java.time.Instant;

/**
 * Writes down each attempt (a log row) together with what it means for the delivery, in one transaction: the
 * delivery's final state and the webhook's counters change once per delivery, never per attempt, and only
 * while this replica still holds the lease.
 */
@ApplicationScoped
public class AttemptRecorder {

    private final WebhookLogRepository logs;
    private final DeliveryRepository deliveries;
    private final WebhookRepository webhooks;
    private final CatalogConfig config;
    private final Backoff backoff;
    private final DeliveryMetrics metrics;
    private final TransactionSynchronizationRegistry transactions;

    public AttemptRecorder(WebhookLogRepository logs, DeliveryRepository deliveries, WebhookRepository webhooks,
                           CatalogConfig config, Backoff backoff, DeliveryMetrics metrics,
                           TransactionSynchronizationRegistry transactions) {
        this.logs = logs;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.config = config;
        this.backoff = backoff;
        this.metrics = metrics;
        this.transactions = transactions;
    }

    /** @return whether this replica still owns the delivery */
    @Transactional
    public boolean record(DeliveryJob job, String owner, int attempt, AttemptResult result, boolean last) {
        if (deliveries.findById(job.deliveryId()) == null) {
            return false; // the webhook was deleted meanwhile, and its deliveries and logs with it
        }
        logs.persist(new WebhookLog(job.webhookId(), job.deliveryId(), job.eventId(), job.eventType(), attempt,
                job.body(), result, false));
        afterCommit(() -> metrics.attempt(result));
        long leaseSeconds = config.delivery().lease().toSeconds();
        if (!last) {
            long waitMs = backoff.effective(job.retryNumberAfter(attempt), result.retryAfter());
            return deliveries.scheduleRetry(job.deliveryId(), owner, attempt, result.error(), waitMs / 1000.0,
                    leaseSeconds);
        }
        boolean owned = deliveries.complete(job.deliveryId(), owner, result.success(), attempt, result.error());
        if (owned) {
            afterCommit(() -> metrics.finished(result.success()));
            Instant now = Instant.now();
            if (result.success()) {
                webhooks.recordSuccess(job.webhookId(), now);
            } else {
                webhooks.recordFailure(job.webhookId(), now, describe(attempt, result));
            }
        }
        return owned;
    }

    /** A delivery whose attempts were used up before it could be finished (e.g. retry_count lowered meanwhile). */
    @Transactional
    public void giveUp(DeliveryJob job, String owner) {
        String error = "no attempts left (" + job.attemptsSoFar() + " of " + job.maxAttempts() + " made)";
        if (deliveries.complete(job.deliveryId(), owner, false, job.attemptsSoFar(), error)) {
            afterCommit(() -> metrics.finished(false));
            webhooks.recordFailure(job.webhookId(), Instant.now(), error);
        }
    }

    /** Metrics count what was recorded: a rolled-back attempt is made again and would be counted twice. */
    private void afterCommit(Runnable action) {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    private static String describe(int attempt, AttemptResult result) {
        return result.error() + " (after " + attempt + (attempt == 1 ? " attempt)" : " attempts)");
    }
}
