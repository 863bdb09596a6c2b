package com.cataloghooks.delivery;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;

import java.time.temporal.ChronoUnit;

/**
 * Turns an event into one durable delivery per subscribed, active webhook that existed when the event happened.
 * Idempotent by event id, so an event read twice from Kafka (relay or consumer restarts) is delivered once per
 * webhook, and never to a webhook created after it. Retries while the database is unreachable or restarting,
 * holding back the Kafka offset until the rows exist; any other failure sends the record to the dead-letter topic.
 */
@ApplicationScoped
public class DeliveryPlanner {

    private final DeliveryRepository deliveries;
    private final Dispatcher dispatcher;

    public DeliveryPlanner(DeliveryRepository deliveries, Dispatcher dispatcher) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
    }

    @Retry(maxRetries = -1, delay = 500, maxDuration = 7, durationUnit = ChronoUnit.DAYS)
    @RetryWhen(exception = TransientDatabaseFailure.class)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    public int plan(EventMessage event) {
        int planned = QuarkusTransaction.requiringNew()
                .call(() -> deliveries.plan(event.id(), event.type(), event.occurredAt(), event.body()));
        if (planned > 0) {
            dispatcher.nudge();
        }
        return planned;
    }
}
