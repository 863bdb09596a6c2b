package com.cataloghooks.delivery.api;

import java.util.Map;

/**
 * Body of {@code POST /api/v1/webhooks/{id}/test}; both fields are optional: the event defaults to the webhook's
 * first subscribed event, the payload to that event's example with {@code "test": true}.
 */
public record TestWebhookRequest(String event, Map<String, Object> payload) {
}
