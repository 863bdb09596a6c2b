package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ordered: true}: deliveries in event order, one in flight at a time, a failing one holding those after it;
 * observed on a real receiver that answers slowly and fails first.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OrderedDeliveryTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    private static Instant eventTime(ReceivedRequest request) throws Exception {
        return Instant.parse(JSON.readTree(request.body()).get("timestamp").asText());
    }

    /**
     * Ten events of one product stamped with the same time (as one bulk change stamps its events), committed one
     * after another: the order comes from the database, so they arrive in commit order, not in the order of random
     * ids that break the tie of equal times.
     */
    @Test
    void eventsWithEqualTimesArriveInCommitOrder() throws Exception {
        String path = path();
        api.webhook(receiver.url(path), List.of("product.updated"), obj("ordered", true));
        String product = java.util.UUID.randomUUID().toString();
        String stamp = Instant.now().toString();
        int events = 10;
        for (int version = 0; version < events; version++) {
            try (java.sql.Connection c = dataSource.getConnection();
                 java.sql.PreparedStatement insert = c.prepareStatement("""
                         INSERT INTO outbox_events (id, event_type, aggregate_id, payload, created_at)
                         VALUES (?::uuid, 'product.updated', ?, ?, ?::timestamptz)""")) {
                String id = java.util.UUID.randomUUID().toString();
                insert.setString(1, id);
                insert.setString(2, product);
                insert.setString(3, JSON.writeValueAsString(obj("id", id, "event", "product.updated",
                        "timestamp", stamp, "data", obj("id", product, "name", "Version " + version))));
                insert.setString(4, stamp);
                insert.executeUpdate();
            }
        }
        List<ReceivedRequest> requests = await().atMost(PATIENCE).until(() -> receiver.requests(path),
                r -> r.size() >= events);
        List<String> names = new ArrayList<>();
        for (ReceivedRequest request : requests) {
            names.add(JSON.readTree(request.body()).path("data").path("name").asText());
        }
        List<String> committed = new ArrayList<>();
        for (int version = 0; version < events; version++) {
            committed.add("Version " + version);
        }
        assertEquals(committed, names);
    }

    @Test
    void aFailingDeliveryHoldsTheOnesAfterItAndOneIsInFlightAtATime() throws Exception {
        String path = path();
        // the first event fails three times, then every answer takes 150 ms: overlap would show
        receiver.respond(path).times(3).with(500, "not yet");
        receiver.respondAlways(path, 200, "ok", Duration.ofMillis(150));
        api.webhook(receiver.url(path), List.of("product.created", "product.updated"),
                obj("ordered", true, "retry_count", 5));
        String productId = createProduct(uniqueSku(), "");
        for (int i = 0; i < 4; i++) {
            given().contentType(ContentType.JSON).body(obj("name", "Version " + i))
                    .when().put("/api/v1/products/" + productId).then().statusCode(200);
        }

        List<ReceivedRequest> requests = await().atMost(PATIENCE).until(() -> receiver.requests(path),
                r -> r.size() >= 8);
        // 3 failed attempts of the first event, then the 5 events once each
        assertEquals(8, requests.size());
        List<String> ids = new ArrayList<>();
        requests.forEach(r -> ids.add(r.header("webhook-id")));
        assertEquals(List.of(ids.get(0), ids.get(0), ids.get(0), ids.get(0)), ids.subList(0, 4),
                "nothing after the first event went while it was failing");
        assertEquals(5, ids.stream().distinct().count());
        for (int i = 4; i < requests.size(); i++) {
            assertTrue(!eventTime(requests.get(i)).isBefore(eventTime(requests.get(i - 1))),
                    "in event order (one product's events: the order the README promises): " + requests);
            // one in flight: each request arrives after the previous one was answered (150 ms later)
            long gapMillis = (requests.get(i).receivedNanos() - requests.get(i - 1).receivedNanos()) / 1_000_000;
            assertTrue(gapMillis >= 150, "request " + i + " came " + gapMillis + " ms after the one before");
        }
    }

    @Test
    void aRedeliveredOlderDeliveryWaitsForTheOneInFlight() {
        String path = path();
        String webhookId = api.webhook(receiver.url(path), List.of("product.created"), obj("ordered", true));
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> api.deliveries(webhookId).stream()
                .anyMatch(d -> "succeeded".equals(d.get("status"))));
        String first = (String) api.deliveries(webhookId).get(0).get("id");

        receiver.respond(path).delayedBy(Duration.ofSeconds(2)).with(200, "slow");
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(path).size() == 2); // the second, in flight 2 s
        given().when().post("/api/v1/webhooks/" + webhookId + "/deliveries/" + first + "/redeliver")
                .then().statusCode(202);
        List<ReceivedRequest> requests = await().atMost(PATIENCE).until(() -> receiver.requests(path),
                r -> r.size() == 3);
        long afterSecond = (requests.get(2).receivedNanos() - requests.get(1).receivedNanos()) / 1_000_000;
        assertTrue(afterSecond >= 2000, "the older delivery went " + afterSecond + " ms after the one in flight began");
        assertEquals(requests.get(0).header("webhook-id"), requests.get(2).header("webhook-id"));
    }

    @Test
    void orderedCanBeSwitchedOnByAnUpdateAndShows() {
        String id = api.webhook(receiver.url(path()), List.of("product.created"), Map.of());
        assertEquals(false, api.get(id).getBoolean("ordered"));
        given().contentType(ContentType.JSON).body(obj("ordered", true)).when().put("/api/v1/webhooks/" + id)
                .then().statusCode(200);
        assertEquals(true, api.get(id).getBoolean("ordered"));
    }
}
