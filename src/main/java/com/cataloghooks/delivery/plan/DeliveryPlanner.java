package com.cataloghooks.delivery.plan;

import com.cataloghooks.common.db.TransientDatabaseFailure;
import com.cataloghooks.delivery.state.Wakeups;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Turns events into one durable delivery per subscribed, active webhook that existed when the event happened, a
 * whole batch of events in one statement and one transaction. Idempotent by event id, so an event read twice from
 * Kafka (relay or consumer restarts) is delivered once per webhook, and never to a webhook created after it. Retries
 * while the database is unreachable or restarting, holding back the Kafka offsets until the rows exist.
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final PlanStore store;
    private final Wakeups wakeups;

    public DeliveryPlanner(PlanStore store, Wakeups wakeups) {
        this.store = store;
        this.wakeups = wakeups;
    }

    @Retry(maxRetries = -1, delay = 500, maxDuration = 7, durationUnit = ChronoUnit.DAYS)
    @RetryWhen(exception = TransientDatabaseFailure.class)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    public int plan(List<EventMessage> events) {
        int planned = store.plan(events, null);
        if (planned > 0) {
            wakeups.signal();
        }
        return planned;
    }

    /** Plans events for one webhook only, active or not (a replay of the events it missed). */
    @Retry(maxRetries = 5, delay = 500)
    @RetryWhen(exception = TransientDatabaseFailure.class)
    public int planFor(List<EventMessage> events, UUID webhookId) {
        int planned = store.plan(events, webhookId);
        if (planned > 0) {
            wakeups.signal();
        }
        return planned;
    }
}
