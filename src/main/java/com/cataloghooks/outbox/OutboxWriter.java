package com.cataloghooks.outbox;

import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.time.DatabaseClock;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records an event in the caller's transaction. The event reaches Kafka only if that transaction commits, and
 * then it reaches Kafka even if the service dies right after the commit.
 */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxRepository repository;
    private final ObjectMapper mapper;
    private final Event<OutboxEventRecorded> recorded;
    private final DatabaseClock clock;

    public OutboxWriter(OutboxRepository repository, ObjectMapper mapper, Event<OutboxEventRecorded> recorded,
                        DatabaseClock clock) {
        this.repository = repository;
        this.mapper = mapper;
        this.recorded = recorded;
        this.clock = clock;
    }

    /**
     * @param aggregateId the Kafka key: events of one aggregate stay in order on one partition
     * @param data        the event's {@code data} object, keys as receivers see them
     * @return the event id, which receivers see as the {@code webhook-id} header
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID record(EventType type, String aggregateId, Map<String, Object> data) {
        UUID id = write(type, aggregateId, data, clock.now());
        recorded.fire(new OutboxEventRecorded(type.wireName()));
        return id;
    }

    /** Events of one type for many aggregates (a bulk change), all stamped with the same time. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAll(EventType type, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Instant now = clock.now();
        for (Change change : changes) {
            write(type, change.aggregateId(), change.data(), now);
        }
        recorded.fire(new OutboxEventRecorded(type.wireName()));
    }

    private UUID write(EventType type, String aggregateId, Map<String, Object> data, Instant now) {
        UUID id = UUID.randomUUID();
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("id", id.toString());
        envelope.put("event", type.wireName());
        envelope.put("timestamp", now.toString());
        envelope.set("data", mapper.valueToTree(data));
        try {
            repository.persist(new OutboxEvent(id, type.wireName(), aggregateId, mapper.writeValueAsString(envelope), now));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data cannot be written as JSON", e);
        }
        return id;
    }

    /** One aggregate's change: the Kafka key and the event's {@code data}. */
    public record Change(String aggregateId, Map<String, Object> data) {
    }
}
