package com.cataloghooks.delivery.send;

import com.cataloghooks.delivery.history.WebhookLog;
import com.cataloghooks.delivery.history.WebhookLogRepository;
import com.cataloghooks.delivery.state.AttemptResult;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.delivery.api.TestWebhookRequest;
import com.cataloghooks.delivery.api.TestWebhookResponse;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.WebhookTarget;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one real, signed request to a webhook (active or not) with its own headers and timeout, logs it, and
 * reports the outcome. Tests do not count in the webhook's success/failure statistics, which are about events.
 */
@ApplicationScoped
public class WebhookTester {

    private final WebhookService webhooks;
    private final WebhookSender sender;
    private final WebhookLogRepository logs;
    private final ObjectMapper mapper;
    private final TestSendLimit limit;

    public WebhookTester(WebhookService webhooks, WebhookSender sender, WebhookLogRepository logs, ObjectMapper mapper,
                         TestSendLimit limit) {
        this.webhooks = webhooks;
        this.sender = sender;
        this.logs = logs;
        this.mapper = mapper;
        this.limit = limit;
    }

    public TestWebhookResponse test(UUID webhookId, TestWebhookRequest request) {
        WebhookTarget webhook = webhooks.target(webhookId);
        String event = eventOf(webhook, request);
        Map<String, Object> payload = request == null || request.payload() == null
                ? exampleFor(event)
                : request.payload();
        UUID eventId = UUID.randomUUID();
        String body = body(event, payload);
        OutgoingRequest outgoing = OutgoingRequest.build(webhook.url(), webhook.secret(), webhook.previousSecret(), webhook.headers(),
                eventId, event, body, webhook.timeoutSeconds(), Instant.now().getEpochSecond());
        AttemptResult result;
        try (TestSendLimit.Slot slot = limit.acquire(webhookId)) {
            result = sender.sendOnce(outgoing).await().atMost(Duration.ofSeconds(webhook.timeoutSeconds() + 10L));
        }
        log(webhookId, eventId, event, body, result);
        return new TestWebhookResponse(result.success(), result.statusCode(), result.responseTimeMs(),
                result.responseBody(), result.error());
    }

    private void log(UUID webhookId, UUID eventId, String event, String body, AttemptResult result) {
        try {
            QuarkusTransaction.requiringNew()
                    .run(() -> logs.persist(new WebhookLog(webhookId, null, eventId, event, 1, body, result, true)));
        } catch (RuntimeException e) {
            // the webhook was deleted while its test was under way: the outcome is still reported
            org.jboss.logging.Logger.getLogger(WebhookTester.class).debugf("test of %s not logged: %s", webhookId, e.getMessage());
        }
    }

    private static String eventOf(WebhookTarget webhook, TestWebhookRequest request) {
        if (request == null || request.event() == null) {
            return webhook.events().isEmpty() ? EventType.PRODUCT_CREATED.wireName() : webhook.events().get(0);
        }
        if (EventType.fromWireName(request.event()).isEmpty()) {
            throw new InvalidInputException("event", "'" + request.event() + "' is not a known event; known: "
                    + EventType.wireNames());
        }
        return request.event();
    }

    private static Map<String, Object> exampleFor(String event) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("test", true);
        payload.putAll(EventType.fromWireName(event).orElseThrow().example());
        return payload;
    }

    private String body(String event, Map<String, Object> payload) {
        ObjectNode body = mapper.createObjectNode();
        body.put("event", event);
        body.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        body.set("data", mapper.valueToTree(payload));
        String json;
        try {
            json = mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("payload", "cannot be written as JSON");
        }
        if (json.contains("\\u0000")) {
            // the attempt log keeps the body as jsonb, which cannot hold NUL
            throw new InvalidInputException("payload", "must not contain the NUL character");
        }
        return json;
    }
}
