package com.cataloghooks.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code product-events} in the consumer group {@code webhook-dispatcher}, a poll's worth of records at a
 * time, and plans their deliveries in one transaction. The batch is acknowledged (its offsets committed) once the
 * deliveries are recorded; a malformed record goes to the dead-letter topic on its own, without holding up the
 * others or the channel.
 */
@ApplicationScoped
public class EventConsumer {

    private final ObjectMapper mapper;
    private final DeliveryPlanner planner;

    public EventConsumer(ObjectMapper mapper, DeliveryPlanner planner) {
        this.mapper = mapper;
        this.planner = planner;
    }

    @Incoming("product-events-in")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<EventMessage> events = new ArrayList<>(batch.getRecords().size());
        List<CompletableFuture<Void>> deadLettered = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                events.add(EventMessage.parse(mapper, record.getPayload()));
            } catch (MalformedEventException e) {
                deadLettered.add(record.nack(e).toCompletableFuture());
            }
        }
        planner.plan(events);
        return CompletableFuture.allOf(deadLettered.toArray(CompletableFuture[]::new))
                .thenCompose(sent -> batch.ack());
    }
}
