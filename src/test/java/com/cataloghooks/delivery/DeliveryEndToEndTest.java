package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.cataloghooks.testsupport.Json.fieldNames;
import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.Signatures.expectedBodySignature;
import static com.cataloghooks.testsupport.Signatures.expectedStandardSignature;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Product writes → outbox → real Kafka broker → consumer → dispatcher → real HTTP receiver. Every expectation is
 * observed on the receiver's side or through the public API.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveryEndToEndTest extends ReceiverTest {

    private static final List<String> PRODUCT_EVENTS = List.of("product.created", "product.updated", "product.deleted");
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();


    private static List<ReceivedRequest> awaitRequests(String path, int count) {
        return await().atMost(PATIENCE).until(() -> receiver.requests(path), r -> r.size() >= count);
    }

    private static JsonNode json(ReceivedRequest request) throws Exception {
        return JSON.readTree(request.body());
    }

    @Test
    void productLifecycleReachesSubscribedActiveWebhooksOnlySigned() throws Exception {
        String all = path();
        String deletesOnly = path();
        String inactive = path();
        api.webhook(receiver.url(all), PRODUCT_EVENTS,
                obj("secret", "my-secret-key", "headers", Map.of("X-Api-Key", "abc123")));
        api.webhook(receiver.url(deletesOnly), List.of("product.deleted"), Map.of());
        api.webhook(receiver.url(inactive), PRODUCT_EVENTS, obj("is_active", false));

        String sku = uniqueSku();
        String id = createProduct(sku, "");
        given().contentType(ContentType.JSON).body(obj("name", "Renamed", "active", false))
                .when().put("/api/v1/products/" + id).then().statusCode(200);
        given().when().delete("/api/v1/products/" + id).then().statusCode(204);

        List<ReceivedRequest> received = awaitRequests(all, 3);
        List<ReceivedRequest> deletes = awaitRequests(deletesOnly, 1);

        JsonNode created = json(received.get(0));
        assertEquals("product.created", created.get("event").asText());
        assertTrue(Instant.parse(created.get("timestamp").asText()).isBefore(Instant.now().plusSeconds(1)));
        assertEquals(Set.of("id", "sku", "name", "description", "active", "created_at"), fieldNames(created.get("data")));
        assertEquals(id, created.at("/data/id").asText());
        assertEquals(sku, created.at("/data/sku").asText());
        assertTrue(created.at("/data/active").asBoolean());

        JsonNode updated = json(received.get(1));
        assertEquals("product.updated", updated.get("event").asText());
        assertEquals(Set.of("id", "sku", "name", "description", "active", "updated_at"), fieldNames(updated.get("data")));
        assertEquals("Renamed", updated.at("/data/name").asText());
        assertEquals(false, updated.at("/data/active").asBoolean());

        JsonNode deleted = json(received.get(2));
        assertEquals("product.deleted", deleted.get("event").asText());
        assertEquals(Set.of("id", "sku", "name"), fieldNames(deleted.get("data")));

        for (ReceivedRequest request : received) {
            String event = json(request).get("event").asText();
            assertEquals("POST", request.method());
            assertTrue(request.header("Content-Type").startsWith("application/json"));
            assertEquals("FulFil-Webhook/1.0", request.header("User-Agent"));
            assertEquals(event, request.header("X-Webhook-Event"));
            assertEquals("abc123", request.header("X-Api-Key"));
            assertEquals(expectedBodySignature("my-secret-key", request.body()), request.header("X-Webhook-Signature"));
            UUID.fromString(request.header("webhook-id"));
            assertEquals(expectedStandardSignature("my-secret-key", request.header("webhook-id"),
                    request.header("webhook-timestamp"), request.body()), request.header("webhook-signature"));
        }
        assertEquals(3, received.stream().map(r -> r.header("webhook-id")).distinct().count());

        assertEquals(1, deletes.size());
        assertEquals("product.deleted", json(deletes.get(0)).get("event").asText());
        assertNull(deletes.get(0).header("X-Webhook-Signature"), "no secret, no signature");
        assertEquals(received.get(2).header("webhook-id"), deletes.get(0).header("webhook-id"),
                "one event, one id, whichever webhook receives it");
        // Both active webhooks got the delete, planned in the same transaction as the inactive one's non-delivery.
        assertEquals(0, receiver.requests(inactive).size());
    }

    @Test
    void optOutSendsNothing() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), PRODUCT_EVENTS, Map.of());

        String quiet = createProduct(uniqueSku(), "?trigger_webhooks=false");
        given().contentType(ContentType.JSON).body(obj("name", "silent")).when()
                .put("/api/v1/products/" + quiet + "?trigger_webhooks=false").then().statusCode(200);
        given().when().delete("/api/v1/products/" + quiet + "?trigger_webhooks=false").then().statusCode(204);
        // A marker written after the silent ones: once it arrives, anything the silent writes emitted would have too.
        String marker = uniqueSku();
        createProduct(marker, "");

        List<ReceivedRequest> received = awaitRequests(hook, 1);
        assertEquals(1, received.size());
        assertEquals(marker, json(received.get(0)).at("/data/sku").asText());
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        assertEquals(1, receiver.requests(hook).size());
    }

    @Test
    void receiverFailingTwiceGetsTheEventOnAttemptThreeWithGrowingGaps() throws Exception {
        String hook = path();
        receiver.respond(hook).times(2).with(500, "{\"error\":\"try later\"}");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 3, "secret", "s",
                "headers", Map.of("X-Api-Key", "abc123")));

        createProduct(uniqueSku(), "");

        List<ReceivedRequest> attempts = awaitRequests(hook, 3);
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        assertEquals(3, receiver.requests(hook).size(), "no attempt after the successful one");
        assertEquals(1, attempts.stream().map(r -> r.header("webhook-id")).distinct().count(), "same event id every time");
        assertEquals(1, attempts.stream().map(ReceivedRequest::bodyAsString).distinct().count(), "same body every time");
        for (ReceivedRequest attempt : attempts) {
            assertEquals(expectedBodySignature("s", attempt.body()), attempt.header("X-Webhook-Signature"));
        }
        long firstGap = attempts.get(1).receivedNanos() - attempts.get(0).receivedNanos();
        long secondGap = attempts.get(2).receivedNanos() - attempts.get(1).receivedNanos();
        assertTrue(firstGap >= Duration.ofMillis(200).toNanos(), "first wait is the backoff base (200 ms in tests)");
        assertTrue(secondGap > firstGap, "waits grow: " + firstGap + " then " + secondGap);

        assertEquals(0, api.get(webhookId).getInt("failure_count"));
        assertNotNull(api.get(webhookId).getString("last_triggered_at"));
        List<Map<String, Object>> logs = api.logs(webhookId);
        assertEquals(3, logs.size());
        assertEquals(List.of(3, 2, 1), logs.stream().map(l -> l.get("attempt")).toList(), "newest first");
        assertEquals(List.of(200, 500, 500), logs.stream().map(l -> l.get("status_code")).toList());
        assertEquals("HTTP 500", logs.get(1).get("error"));
        assertEquals("{\"error\":\"try later\"}", logs.get(2).get("response_body"));
        assertRecordedHeadersAreTheReceived(logs, attempts);
        List<Map<String, Object>> attemptLog = listOf(api.deliveries(webhookId).get(0).get("attempt_log"));
        assertEquals(List.of(1, 2, 3), attemptLog.stream().map(a -> a.get("attempt")).toList());
        for (Map<String, Object> attempt : attemptLog) {
            int number = (Integer) attempt.get("attempt");
            assertEquals(logs.get(3 - number).get("request_headers"), attempt.get("request_headers"),
                    "the delivery's attempt " + number + " shows the headers its log row keeps");
        }

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("webhook_attempts_total{outcome=\"http_error\"}"), "attempts are counted");
        assertTrue(metrics.contains("webhook_deliveries_total{outcome=\"succeeded\"}"), "deliveries are counted");
    }

    /**
     * Each attempt's log row (newest first) keeps the headers the receiver got with that attempt (the n-th request):
     * every header the service set, in sending order, with the value received, but the custom header's, a secret,
     * masked. Host and Content-Length are the HTTP client's, not the service's.
     */
    private static void assertRecordedHeadersAreTheReceived(List<Map<String, Object>> logs, List<ReceivedRequest> attempts) {
        List<String> sendingOrder = List.of("X-Api-Key", "Content-Type", "User-Agent", "X-Webhook-Event", "webhook-id",
                "webhook-timestamp", "X-Webhook-Signature", "webhook-signature");
        for (int number = 1; number <= attempts.size(); number++) {
            ReceivedRequest received = attempts.get(number - 1);
            Map<String, Object> recorded = mapOf(logs.get(logs.size() - number).get("request_headers"));
            assertEquals(sendingOrder, List.copyOf(recorded.keySet()), "attempt " + number + ": every header, in order");
            Set<String> receivedNames = received.headers().keySet().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT))
                    .filter(n -> !Set.of("host", "content-length").contains(n)).collect(Collectors.toSet());
            assertEquals(receivedNames, recorded.keySet().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.toSet()), "attempt " + number + ": the headers received are the ones recorded");
            for (String name : sendingOrder) {
                if (!name.equals("X-Api-Key")) {
                    assertEquals(received.header(name), recorded.get(name), "attempt " + number + ": " + name);
                }
            }
            assertEquals("abc123", received.header("X-Api-Key"));
            assertEquals("********", recorded.get("X-Api-Key"), "a custom header's value is a secret: masked");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(Object json) {
        assertNotNull(json, "request_headers recorded");
        return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listOf(Object json) {
        return (List<Map<String, Object>>) json;
    }

    @Test
    void exhaustedRetriesRecordOneFailureAndTheLastError() {
        String hook = path();
        receiver.respondAlways(hook, 503, "down for maintenance");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 2));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("failure_count") == 1);
        var webhook = api.get(webhookId);
        assertEquals(0, webhook.getInt("success_count"));
        assertTrue(webhook.getString("last_error").contains("HTTP 503"), webhook.getString("last_error"));
        assertNotNull(webhook.getString("last_triggered_at"));
        assertEquals(3, receiver.requests(hook).size(), "1 + retry_count attempts");
        assertEquals(3, api.logs(webhookId).size());
    }

    @Test
    void aReceiverThatRefusesConnectionsForAWhileGetsTheEventOnceItIsUp() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String webhookId = api.webhook("http://127.0.0.1:" + port + "/late", List.of("product.created"),
                obj("retry_count", 6));
        String sku = uniqueSku();
        createProduct(sku, "");

        await().atMost(PATIENCE).until(() -> api.logs(webhookId).stream()
                .anyMatch(l -> String.valueOf(l.get("error")).startsWith("connection failed")));
        try (TestReceiver late = TestReceiver.start(port)) {
            await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
            assertEquals(1, late.requests("/late").size());
            assertTrue(late.requests("/late").get(0).bodyAsString().contains(sku));
        }
        assertEquals(0, api.get(webhookId).getInt("failure_count"));
    }

    @Test
    void retryAfterInSecondsIsHonoured() {
        assertRetryAfterHonoured("2", Duration.ofMillis(1900));
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
        // the date has whole seconds: at least two of the three remain when the receiver answers
        assertRetryAfterHonoured(inThreeSeconds, Duration.ofMillis(1900));
    }

    private void assertRetryAfterHonoured(String retryAfter, Duration atLeast) {
        String hook = path();
        receiver.respond(hook).header("Retry-After", retryAfter).with(503, "busy");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 3));

        createProduct(uniqueSku(), "");

        List<ReceivedRequest> attempts = awaitRequests(hook, 2);
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        long gap = attempts.get(1).receivedNanos() - attempts.get(0).receivedNanos();
        assertTrue(gap >= atLeast.toNanos(), "waited as asked, not the 200 ms backoff: " + gap / 1_000_000 + " ms");
    }

    @Test
    void goneStopsRetryingAtOnce() {
        String hook = path();
        receiver.respondAlways(hook, 410, "unsubscribed");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 5));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("failure_count") == 1);
        assertEquals(1, receiver.requests(hook).size());
    }

    @Test
    void theWebhooksTimeoutIsHonoured() {
        String hook = path();
        receiver.respondAlways(hook, 200, "{}", Duration.ofSeconds(4));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"),
                obj("retry_count", 0, "timeout_seconds", 1));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("failure_count") == 1);
        Map<String, Object> log = api.logs(webhookId).get(0);
        assertEquals("timed out after 1 s", log.get("error"));
        assertNull(log.get("status_code"));
        int tookMs = (Integer) log.get("response_time_ms");
        assertTrue(tookMs >= 900 && tookMs < 4000, "gave up after about a second, not after the receiver's 4 s: " + tookMs);
        assertTrue(api.get(webhookId).getString("last_error").contains("timed out"));
    }

    @Test
    void logBodiesAreCutTo1000Characters() {
        String hook = path();
        receiver.respondAlways(hook, 200, "x".repeat(5000));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> !api.logs(webhookId).isEmpty());
        Map<String, Object> log = api.logs(webhookId).get(0);
        assertEquals("x".repeat(1000), log.get("response_body"));
        assertEquals(200, log.get("status_code"));
        assertEquals(1, log.get("attempt"));
        assertEquals("product.created", log.get("event"));
        assertEquals("product.created", ((Map<?, ?>) log.get("payload")).get("event"), "the exact body sent, as JSON");
    }

    @Test
    void aHangingReceiverDoesNotHoldUpOthers() {
        String slow = path();
        String fast = path();
        receiver.respondAlways(slow, 200, "{}", Duration.ofSeconds(20));
        String slowId = api.webhook(receiver.url(slow), List.of("product.created"), obj("retry_count", 0, "timeout_seconds", 15));
        String fastId = api.webhook(receiver.url(fast), List.of("product.created"), obj("retry_count", 0));

        createProduct(uniqueSku(), "");

        // The slow receiver has the request and holds it; meanwhile the same event reaches the fast one.
        awaitRequests(slow, 1);
        await().atMost(PATIENCE).until(() -> api.get(fastId).getInt("success_count") == 1);
        assertTrue(api.logs(slowId).isEmpty(), "the slow delivery is still waiting for its answer");
    }
}
