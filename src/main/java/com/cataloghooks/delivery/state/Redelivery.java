package com.cataloghooks.delivery.state;

import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.webhook.WebhookService;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Sending one finished delivery again, as a client asks for it (the API's {@code redeliver}, the console's button):
 * the rules and refusals live here once, the move itself is {@link DeliveryTransitions#redeliver}.
 */
@ApplicationScoped
public class Redelivery {

    private final WebhookService webhooks;
    private final DeliveryTransitions transitions;

    public Redelivery(WebhookService webhooks, DeliveryTransitions transitions) {
        this.webhooks = webhooks;
        this.transitions = transitions;
    }

    /**
     * Puts the webhook's delivery back to pending with a fresh set of attempts. Refused, in this order: 404 when
     * {@code deliveryId} (as the client gave it, e.g. a path segment; named so in the answer) is not an id, 409
     * {@code is_active} while the webhook is inactive (404 when there is no such webhook), 404 when the webhook has
     * no such delivery, 409 {@code status} while it is pending or in flight.
     *
     * @return the delivery's id
     */
    public UUID redeliver(UUID webhookId, String deliveryId) {
        UUID delivery = QueryParams.pathId("delivery", deliveryId);
        webhooks.requireActive(webhookId);
        String outcome = transitions.redeliver(webhookId, delivery);
        if (outcome == null) {
            throw new NotFoundException("delivery", deliveryId);
        }
        if (!outcome.equals("requeued")) {
            throw new ConflictException("status", "the delivery is " + outcome + "; only a succeeded or failed"
                    + " delivery can be sent again");
        }
        return delivery;
    }
}
