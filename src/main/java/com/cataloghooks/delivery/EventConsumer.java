package com.cataloghooks.delivery;

import com.cataloghooks.common.event.EventSequence;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code product-events} in the consumer group {@code webhook-dispatcher}, a poll's worth of records at a
 * time, and plans their deliveries in one transaction. The batch is acknowledged (its offsets committed) once the
 * deliveries are recorded; a malformed record goes to the dead-letter topic on its own, without holding up the
 * others or the channel.
 * <p>
 * A valid event never goes to the dead-letter topic, and nothing the database does stops the channel: the batch is
 * planned again until it is recorded. When the batch as a whole is refused (not a transient failure, which the
 * planner waits out), each event is planned on its own, so one event the database refuses holds back only itself;
 * it is tried again, with growing waits, and said in the log. A batch still unplanned when the service stops is
 * left unacknowledged: its offsets are not committed, and whichever replica takes the partition reads it again.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);
    private static final long FIRST_WAIT_MS = 500;
    private static final long MAX_WAIT_MS = 30_000;

    private final ObjectMapper mapper;
    private final DeliveryPlanner planner;
    private volatile boolean stopping;

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
                Header seq = record.getHeaders().lastHeader(EventSequence.HEADER);
                events.add(EventMessage.parse(mapper, record.getPayload(),
                        seq == null ? null : EventSequence.decode(seq.value())));
            } catch (MalformedEventException e) {
                deadLettered.add(record.nack(e).toCompletableFuture());
            }
        }
        if (!planAll(events)) {
            return new CompletableFuture<>(); // stopping: never acknowledged, read again by the next owner
        }
        return CompletableFuture.allOf(deadLettered.toArray(CompletableFuture[]::new))
                .thenCompose(sent -> batch.ack());
    }

    /** Early among the stop observers: the consumer stops retrying before the database or the pool go away. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    /** @return true once every event is planned; false if the service stops first */
    private boolean planAll(List<EventMessage> events) {
        List<EventMessage> left = events;
        long wait = FIRST_WAIT_MS;
        while (true) {
            left = planOrLeft(left);
            if (left.isEmpty()) {
                return true;
            }
            if (stopping) {
                return false;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            wait = Math.min(wait * 2, MAX_WAIT_MS);
        }
    }

    /** Plans the events together, or else one by one; returns those that could not be planned. */
    private List<EventMessage> planOrLeft(List<EventMessage> events) {
        try {
            planner.plan(events);
            return List.of();
        } catch (RuntimeException batchFailure) {
            if (events.size() == 1) {
                refused(events.get(0), batchFailure);
                return events;
            }
            List<EventMessage> left = new ArrayList<>();
            for (EventMessage event : events) {
                try {
                    planner.plan(List.of(event));
                } catch (RuntimeException failure) {
                    refused(event, failure);
                    left.add(event);
                }
            }
            return left;
        }
    }

    private static void refused(EventMessage event, RuntimeException failure) {
        LOG.errorf("event %s (%s) could not be planned, will try again: %s", event.id(), event.type(),
                failure.getMessage());
    }
}
