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
        return testShowing(webhookId, request).outcome();
    }

    /**
     * A test request as this tester makes it, for showing: method, URL, every header (custom header values masked,
     * as the API shows them; the signatures are real) and the body, byte for byte.
     */
    public record Prepared(String method, String url, Map<String, String> headers, String body, String event) {
    }

    /** One test send as the console's playground shows it: the request as sent, the outcome, the answer's headers. */
    public record Shown(Prepared request, TestWebhookResponse outcome, Map<String, String> answerHeaders) {
    }

    /** As {@link #test}, also returning the request exactly as sent and the receiver's answer headers. */
    public Shown testShowing(UUID webhookId, TestWebhookRequest request) {
        WebhookTarget webhook = webhooks.target(webhookId);
        String event = eventOf(webhook, request);
        UUID eventId = UUID.randomUUID();
        String body = body(event, payloadOf(event, request));
        OutgoingRequest outgoing = OutgoingRequest.build(webhook.url(), webhook.secret(), webhook.previousSecret(), webhook.headers(),
                eventId, event, body, webhook.timeoutSeconds(), Instant.now().getEpochSecond());
        AttemptResult result;
        Map<String, String> answerHeaders = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        try (TestSendLimit.Slot slot = limit.acquire(webhookId)) {
            result = sender.sendOnce(outgoing, answerHeaders)
                    .await().atMost(Duration.ofSeconds(webhook.timeoutSeconds() + 10L));
        }
        log(webhookId, eventId, event, body, outgoing.recordedHeaders(), result);
        Map<String, String> answered;
        synchronized (answerHeaders) {
            answered = new LinkedHashMap<>(answerHeaders);
        }
        return new Shown(shown(outgoing, event),
                new TestWebhookResponse(result.success(), result.statusCode(), result.responseTimeMs(),
                        result.responseBody(), result.error()), answered);
    }

    /**
     * The request a test send to the webhook would make now, signed with its secret (and its previous one during a
     * rotation's grace period), not sent and not logged: what the console's playground inbox keeps.
     */
    public Prepared prepare(UUID webhookId, TestWebhookRequest request) {
        WebhookTarget webhook = webhooks.target(webhookId);
        String event = eventOf(webhook, request);
        String body = body(event, payloadOf(event, request));
        OutgoingRequest outgoing = OutgoingRequest.build(webhook.url(), webhook.secret(), webhook.previousSecret(),
                webhook.headers(), UUID.randomUUID(), event, body, webhook.timeoutSeconds(),
                Instant.now().getEpochSecond());
        return shown(outgoing, event);
    }

    /** As {@link #prepare(UUID, TestWebhookRequest)}, for no webhook: to {@code url}, signed with {@code secret}. */
    public Prepared prepare(String url, String secret, TestWebhookRequest request) {
        if (request == null || request.event() == null) {
            throw new InvalidInputException("event", "must name an event; known: " + EventType.wireNames());
        }
        String event = eventOf(null, request);
        String body = body(event, payloadOf(event, request));
        OutgoingRequest outgoing = OutgoingRequest.build(url, secret, null, Map.of(), UUID.randomUUID(), event, body,
                1, Instant.now().getEpochSecond());
        return shown(outgoing, event);
    }

    private static Prepared shown(OutgoingRequest outgoing, String event) {
        return new Prepared("POST", outgoing.url(), new LinkedHashMap<>(outgoing.recordedHeaders()), outgoing.body(),
                event);
    }

    private static Map<String, Object> payloadOf(String event, TestWebhookRequest request) {
        return request == null || request.payload() == null ? exampleFor(event) : request.payload();
    }

    private void log(UUID webhookId, UUID eventId, String event, String body, Map<String, String> headers,
                     AttemptResult result) {
        try {
            QuarkusTransaction.requiringNew()
                    .run(() -> logs.persist(new WebhookLog(webhookId, null, eventId, event, 1, body, headers, result, true)));
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
