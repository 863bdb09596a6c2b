package com.cataloghooks.delivery.record;

import com.cataloghooks.delivery.state.AttemptResult;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Delivery figures for Prometheus ({@code /q/metrics}): attempts and their outcome, finished deliveries, receiver
 * latency, and deliveries in flight in this replica.
 */
@ApplicationScoped
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Counter delivered;
    private final Counter givenUp;
    private final Timer latency;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.delivered = Counter.builder("webhook.deliveries").tag("outcome", "succeeded")
                .description("Deliveries that reached their receiver").register(registry);
        this.givenUp = Counter.builder("webhook.deliveries").tag("outcome", "failed")
                .description("Deliveries given up after their last attempt").register(registry);
        this.latency = Timer.builder("webhook.attempt.duration")
                .description("Time from sending an attempt to its answer or timeout").register(registry);
    }

    void attempt(AttemptResult result) {
        String outcome = result.success() ? "success" : result.statusCode() == null ? "no_answer" : "http_error";
        registry.counter("webhook.attempts", "outcome", outcome).increment();
        latency.record(Duration.ofMillis(result.responseTimeMs()));
    }

    void finished(boolean succeeded) {
        (succeeded ? delivered : givenUp).increment();
    }

    public void inFlight(Supplier<Number> count) {
        registry.gauge("webhook.deliveries.in.flight", java.util.List.of(), count, s -> s.get().doubleValue());
    }
}
