package com.cataloghooks.delivery.plan;

import com.cataloghooks.webhook.filter.InvalidFilterException;
import com.cataloghooks.webhook.filter.PayloadFilter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Payload filters at planning time: which (event, webhook) pairs pass the filters of the webhooks that have one.
 * The filters are read in the planning transaction, parsed (they were checked when stored) and matched against each
 * event's {@code data}; the planner's insert then lets a filtered webhook have only the pairs answered here.
 */
@ApplicationScoped
public class PlanFilters {

    private static final Logger LOG = Logger.getLogger(PlanFilters.class);

    private final ObjectMapper mapper;

    public PlanFilters(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** @return {event id, webhook id} pairs of filtered webhooks whose filter the event passes */
    List<UUID[]> passing(Connection connection, List<EventMessage> events, UUID onlyWebhook) throws SQLException {
        List<UUID[]> passed = new ArrayList<>();
        Map<UUID, JsonNode> data = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, CAST(filter AS text), events FROM webhooks
                WHERE filter IS NOT NULL AND events && ?::text[]
                  AND CASE WHEN ?::uuid IS NULL THEN is_active ELSE id = ?::uuid END""")) {
            select.setArray(1, connection.createArrayOf("text", events.stream().map(EventMessage::type).distinct().toArray()));
            select.setObject(2, onlyWebhook);
            select.setObject(3, onlyWebhook);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    UUID webhook = rs.getObject(1, UUID.class);
                    PayloadFilter filter = parse(webhook, rs.getString(2));
                    List<Object> subscribed = Arrays.asList((Object[]) rs.getArray(3).getArray());
                    for (EventMessage event : events) {
                        if (filter != null && subscribed.contains(event.type())
                                && filter.matches(data.computeIfAbsent(event.id(), id -> dataOf(event)))) {
                            passed.add(new UUID[]{event.id(), webhook});
                        }
                    }
                }
            }
        }
        return passed;
    }

    /** A stored filter that no longer parses (a limit lowered since) lets nothing through, and says so. */
    private PayloadFilter parse(UUID webhook, String json) {
        try {
            return PayloadFilter.parse(mapper.readTree(json));
        } catch (JsonProcessingException | InvalidFilterException e) {
            LOG.warnf("webhook %s: its stored filter is not valid (%s); no event passes it until it is replaced",
                    webhook, e.getMessage());
            return null;
        }
    }

    private JsonNode dataOf(EventMessage event) {
        try {
            return mapper.readTree(event.body()).get("data");
        } catch (JsonProcessingException e) {
            return null; // bodies are written by EventMessage itself: cannot happen
        }
    }
}
