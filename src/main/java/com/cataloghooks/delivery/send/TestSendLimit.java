package com.cataloghooks.delivery.send;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.error.TooManyRequestsException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds test sends in progress: {@code max-tests-per-webhook} per webhook and {@code max-tests} in this replica.
 * A test send holds a worker thread until its answer or timeout, so without a bound a caller could tie up the
 * replica (or use it to probe many receivers at once); beyond the bound the caller gets 429.
 */
@ApplicationScoped
public class TestSendLimit {

    private final int perWebhook;
    private final int perReplica;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final ConcurrentHashMap<UUID, Integer> byWebhook = new ConcurrentHashMap<>();

    public TestSendLimit(CatalogConfig config) {
        this.perWebhook = config.webhooks().maxTestsPerWebhook();
        this.perReplica = config.webhooks().maxTests();
    }

    /** A taken slot; closing gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a slot for a test send to this webhook, or fails with 429. */
    Slot acquire(UUID webhookId) {
        if (inProgress.incrementAndGet() > perReplica) {
            inProgress.decrementAndGet();
            throw new TooManyRequestsException("At most " + perReplica + " test sends may be in progress at once "
                    + "on this replica; try again when one has finished");
        }
        boolean[] taken = {false};
        byWebhook.compute(webhookId, (id, count) -> {
            int now = count == null ? 0 : count;
            if (now >= perWebhook) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            inProgress.decrementAndGet();
            throw new TooManyRequestsException("At most " + perWebhook + " test sends to one webhook may be in "
                    + "progress at once; try again when one has finished");
        }
        return () -> {
            byWebhook.computeIfPresent(webhookId, (id, count) -> count <= 1 ? null : count - 1);
            inProgress.decrementAndGet();
        };
    }
}
