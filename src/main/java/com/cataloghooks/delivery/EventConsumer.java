package com.cataloghooks.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code product-events} in the consumer group {@code webhook-dispatcher}. The offset is committed once the
 * method returns, i.e. once the deliveries are recorded; a malformed record is nacked and goes to the
 * dead-letter topic without stopping the channel.
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
    public void consume(String record) {
        planner.plan(EventMessage.parse(mapper, record));
    }
}
