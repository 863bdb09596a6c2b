package com.cataloghooks.delivery;

import com.cataloghooks.common.event.EventType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * An event as read from the {@code product-events} topic, and the webhook body made from it. The body is built
 * once, here, and stored with each delivery: every attempt sends (and signs) the very same bytes.
 */
record EventMessage(UUID id, String type, Instant occurredAt, Long seq, String body) {

    /**
     * @param seq the event's number in commit order ({@code EventSequence}), null if unknown
     * @throws MalformedEventException when the record is not an event this service wrote
     */
    static EventMessage parse(ObjectMapper mapper, String json, Long seq) {
        if (json == null) {
            throw new MalformedEventException("empty record");
        }
        JsonNode envelope;
        try {
            envelope = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON");
        }
        if (envelope == null || !envelope.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        UUID id;
        try {
            id = UUID.fromString(envelope.path("id").asText());
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("id is not a UUID");
        }
        String type = envelope.path("event").asText();
        if (EventType.fromWireName(type).isEmpty()) {
            throw new MalformedEventException("unknown event type '" + type + "'");
        }
        JsonNode timestamp = envelope.get("timestamp");
        JsonNode data = envelope.get("data");
        if (timestamp == null || !timestamp.isTextual() || data == null || !data.isObject()) {
            throw new MalformedEventException("timestamp or data missing");
        }
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(timestamp.asText());
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("timestamp is not an ISO-8601 instant");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("event", type);
        body.set("timestamp", timestamp);
        body.set("data", data);
        try {
            return new EventMessage(id, type, occurredAt, seq, mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("cannot be written back as JSON");
        }
    }
}
