package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deliveries API, redelivery and replay, through the real pipeline (outbox, Kafka, dispatcher) to a real
 * receiver: what the API says is checked against what the receiver got.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveriesApiTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<String> PRODUCT_EVENTS = List.of("product.created", "product.updated", "product.deleted");

    private static String deliveriesOf(String webhookId) {
        return "/api/v1/webhooks/" + webhookId + "/deliveries";
    }

    /** Waits until the webhook has {@code count} deliveries, all with the status; answers them newest first. */
    private List<Map<String, Object>> awaitDeliveries(String webhookId, int count, String status) {
        return await().atMost(PATIENCE).until(() -> api.deliveries(webhookId),
                d -> d.size() == count && d.stream().allMatch(x -> status.equals(x.get("status"))));
    }

    @Test
    void listsDeliveriesWithTheirAttemptsFilteredAndPagedByKey() {
        String path = path();
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, Map.of());
        Instant before = Instant.now();
        String productId = createProduct(uniqueSku(), "");
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(obj("name", "Name " + i)).when()
                    .put("/api/v1/products/" + productId).then().statusCode(200);
        }
        given().when().delete("/api/v1/products/" + productId).then().statusCode(204);
        List<Map<String, Object>> all = awaitDeliveries(webhookId, 5, "succeeded");

        // what the receiver got is what the API lists: one request per delivery, same event id
        Set<String> received = new HashSet<>();
        receiver.requests(path).forEach(r -> received.add(r.header("webhook-id")));
        Set<String> listed = new HashSet<>();
        all.forEach(d -> listed.add((String) d.get("event_id")));
        assertEquals(received, listed);
        Map<String, Object> newest = all.get(0);
        assertEquals("product.deleted", newest.get("event"));
        assertEquals(1, newest.get("attempts"));
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) newest.get("attempt_log");
        assertEquals(1, attempts.size());
        assertEquals(200, attempts.get(0).get("status_code"));
        assertEquals(productId, ((Map<String, Object>) ((Map<String, Object>) newest.get("payload")).get("data")).get("id"));

        // keyset pages of 2: 2 + 2 + 1, no delivery twice, newest first throughout
        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", 2);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.when().get(deliveriesOf(webhookId)).then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.id"));
            assertNull(page.get("total"));
            after = page.getString("next_cursor");
            assertEquals(after != null, page.getBoolean("has_more"));
            pages++;
        } while (after != null);
        assertEquals(3, pages);
        assertEquals(all.stream().map(d -> d.get("id")).toList(), paged);

        // filters
        given().queryParam("event", "product.updated").when().get(deliveriesOf(webhookId)).then()
                .body("items", hasSize(3)).body("items.event", org.hamcrest.Matchers.everyItem(equalTo("product.updated")));
        given().queryParam("status", "failed").when().get(deliveriesOf(webhookId)).then().body("items", hasSize(0));
        given().queryParam("since", before.toString()).queryParam("until", Instant.now().plusSeconds(60).toString())
                .when().get(deliveriesOf(webhookId)).then().body("items", hasSize(5));
        given().queryParam("until", before.toString()).when().get(deliveriesOf(webhookId)).then().body("items", hasSize(0));
        given().when().get(deliveriesOf(webhookId) + "/" + newest.get("id")).then().statusCode(200)
                .body("event_id", equalTo(newest.get("event_id")));
    }

    @Test
    void badFiltersAre400NamingTheParameter() {
        String webhookId = api.webhook(receiver.url(path()), PRODUCT_EVENTS, Map.of());
        Map<String, String> bad = Map.of("status", "done", "event", "product.exploded", "since", "yesterday",
                "until", "2026-13-01T00:00:00Z", "after", "not-a-cursor", "limit", "101");
        bad.forEach((name, value) -> given().queryParam(name, value).when().get(deliveriesOf(webhookId)).then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo(name)));
        given().when().get(deliveriesOf(UUID.randomUUID().toString())).then().statusCode(404);
        given().when().get(deliveriesOf(webhookId) + "/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aFailedDeliveryIsSentAgainWithTheSameWebhookId() {
        String path = path();
        receiver.respond(path).with(500, "down");
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, obj("retry_count", 0));
        createProduct(uniqueSku(), "");
        Map<String, Object> failed = awaitDeliveries(webhookId, 1, "failed").get(0);
        String deliveryId = (String) failed.get("id");

        given().when().post(deliveriesOf(webhookId) + "/" + deliveryId + "/redeliver").then().statusCode(202)
                .body("id", equalTo(deliveryId));
        List<ReceivedRequest> requests = await().atMost(PATIENCE).until(() -> receiver.requests(path), r -> r.size() == 2);
        assertEquals(requests.get(0).header("webhook-id"), requests.get(1).header("webhook-id"));
        assertEquals(failed.get("event_id"), requests.get(1).header("webhook-id"));
        Map<String, Object> delivered = awaitDeliveries(webhookId, 1, "succeeded").get(0);
        List<Map<String, Object>> attempts = (List<Map<String, Object>>) delivered.get("attempt_log");
        assertEquals(List.of(500, 200), attempts.stream().map(a -> a.get("status_code")).toList());

        // only a finished delivery goes again: one in progress is 409 (a pending one is made by holding the receiver)
        receiver.respond(path).delayedBy(Duration.ofSeconds(3)).with(200, "slow");
        given().when().post(deliveriesOf(webhookId) + "/" + deliveryId + "/redeliver").then().statusCode(202);
        await().atMost(PATIENCE).until(() -> receiver.requests(path).size() == 3);
        given().when().post(deliveriesOf(webhookId) + "/" + deliveryId + "/redeliver").then().statusCode(409)
                .contentType("application/problem+json").body("errors[0].field", equalTo("status"));
        given().when().post(deliveriesOf(webhookId) + "/" + UUID.randomUUID() + "/redeliver").then().statusCode(404);
    }

    @Test
    void replayRequeuesTheWindowsFailedDeliveriesAsOneTask() {
        String path = path();
        receiver.respond(path).times(3).with(503, "maintenance");
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, obj("retry_count", 0));
        Instant since = Instant.now().minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            createProduct(uniqueSku(), "");
        }
        awaitDeliveries(webhookId, 3, "failed");
        createProduct(uniqueSku(), ""); // succeeds: not replayed
        await().atMost(PATIENCE).until(() -> api.deliveries(webhookId).stream()
                .filter(d -> "succeeded".equals(d.get("status"))).count() == 1);

        // missed events are another test's: here, other tests' events of the window would count
        JsonPath accepted = given().contentType(ContentType.JSON)
                .body(obj("since", since.toString(), "include_missed", false))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay")
                .then().statusCode(202).body("deliveries", equalTo(3)).body("missed_events", equalTo(0))
                .extract().jsonPath();
        String status = accepted.getString("status_url");
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get(status).then().statusCode(200)
                .body("status", equalTo("completed")).body("updated", equalTo(3)));
        List<Map<String, Object>> after = awaitDeliveries(webhookId, 4, "succeeded");
        // 3 failed + 3 replayed + 1 that succeeded at once; the replayed ones kept their event ids
        List<ReceivedRequest> requests = receiver.requests(path);
        assertEquals(7, requests.size());
        Set<String> firstThree = new HashSet<>();
        requests.subList(0, 3).forEach(r -> firstThree.add(r.header("webhook-id")));
        Set<String> replayed = new HashSet<>();
        requests.subList(4, 7).forEach(r -> replayed.add(r.header("webhook-id")));
        assertEquals(firstThree, replayed);
        assertTrue(after.stream().allMatch(d -> "succeeded".equals(d.get("status"))));

        String otherWebhook = api.webhook(receiver.url(path()), PRODUCT_EVENTS, Map.of());
        given().when().get(status.replace(webhookId, otherWebhook)).then().statusCode(404);

        given().contentType(ContentType.JSON).body(obj("since", since.toString(), "status", "pending"))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().contentType(ContentType.JSON).body(obj("since", since.toString(), "until", since.minusSeconds(1).toString()))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(400)
                .body("errors[0].field", equalTo("until"));
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(400)
                .body("errors[0].field", equalTo("since"));
    }

    @Test
    void eventsMissedWhileInactiveAreNotQueuedAndReplayDeliversThem() {
        String path = path();
        String witnessPath = path();
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, obj("is_active", false));
        api.webhook(receiver.url(witnessPath), PRODUCT_EVENTS, Map.of());
        Instant since = Instant.now().minusSeconds(1);
        String productId = createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(witnessPath).size() == 1);
        assertTrue(api.deliveries(webhookId).isEmpty(), "an inactive webhook gets no delivery queued");

        given().contentType(ContentType.JSON).body(obj("since", since.toString()))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(409)
                .body("errors[0].field", equalTo("is_active"));
        given().contentType(ContentType.JSON).body(obj("is_active", true)).when().put("/api/v1/webhooks/" + webhookId)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(obj("since", since.toString()))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(202)
                .body("missed_events", greaterThanOrEqualTo(1));
        // other events of the window (earlier tests' products) are missed events too, sent side by side: find ours
        ReceivedRequest replayed = await().atMost(PATIENCE).until(() -> receiver.requests(path).stream()
                .filter(r -> r.bodyAsString().contains(productId)).findFirst(), java.util.Optional::isPresent).get();
        assertEquals(receiver.requests(witnessPath).get(0).header("webhook-id"), replayed.header("webhook-id"));
        assertFalse(api.deliveries(webhookId).isEmpty());
    }
}
