package com.cataloghooks.console.deliveries;

import com.cataloghooks.common.event.EventType;
import com.cataloghooks.delivery.api.DeliveryResponse;
import io.quarkus.qute.TemplateExtension;

import java.util.List;

/** What the deliveries templates show of a delivery, as Qute extension methods. */
@TemplateExtension
public final class DeliveryFormat {

    private DeliveryFormat() {
    }

    /** The badge class of a status: ok, bad, warn (in flight) or muted (pending). */
    static String badge(DeliveryResponse delivery) {
        return switch (delivery.status()) {
            case "succeeded" -> "ok";
            case "failed" -> "bad";
            case "in_flight" -> "warn";
            default -> "muted";
        };
    }

    /** Whether it is still under way (its page polls until it is not). */
    static boolean underWay(DeliveryResponse delivery) {
        return delivery.status().equals("pending") || delivery.status().equals("in_flight");
    }

    /** Whether any of its attempts has its request headers recorded (attempts logged before that have none). */
    static boolean headersRecorded(DeliveryResponse delivery) {
        return delivery.attemptLog().stream().anyMatch(attempt -> attempt.requestHeaders() != null);
    }

    /** The statuses a filter offers. */
    static List<String> statuses(DeliveryPages.Filter filter) {
        return DeliveryResponse.STATUSES;
    }

    /** The event types a filter offers. */
    static List<String> events(DeliveryPages.Filter filter) {
        return EventType.wireNameList();
    }
}
