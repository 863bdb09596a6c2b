package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.Signatures.expectedBodySignature;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class WebhookTestEndpointTest extends ReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sendsOneSignedRequestEvenWhenInactiveAndLogsIt() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "{\"status\": \"ok\"}");
        String id = api.webhook(receiver.url(hook), List.of("product.created"),
                obj("secret", "my-secret-key", "is_active", false, "headers", Map.of("X-Custom-Header", "value")));

        given().contentType(ContentType.JSON)
                .body(obj("event", "product.created",
                        "payload", obj("test", true, "id", "test-123", "sku", "TEST-001", "name", "Test Product")))
                .when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("status_code", equalTo(200))
                .body("response_time_ms", greaterThanOrEqualTo(0))
                .body("response_body", equalTo("{\"status\": \"ok\"}"))
                .body("error", nullValue());

        List<ReceivedRequest> requests = receiver.requests(hook);
        assertEquals(1, requests.size());
        ReceivedRequest request = requests.get(0);
        JsonNode body = JSON.readTree(request.body());
        assertEquals("product.created", body.get("event").asText());
        assertEquals("TEST-001", body.at("/data/sku").asText());
        assertTrue(body.at("/data/test").asBoolean());
        assertEquals(expectedBodySignature("my-secret-key", request.body()), request.header("X-Webhook-Signature"));
        assertEquals("value", request.header("X-Custom-Header"));
        assertEquals("FulFil-Webhook/1.0", request.header("User-Agent"));
        assertEquals("product.created", request.header("X-Webhook-Event"));

        given().when().get("/api/v1/webhooks/" + id + "/logs").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("has_more", equalTo(false))
                .body("items[0].test", equalTo(true))
                .body("items[0].status_code", equalTo(200))
                .body("items[0].event", equalTo("product.created"))
                .body("items[0].payload.data.sku", equalTo("TEST-001"))
                .body("items[0].event_id", equalTo(request.header("webhook-id")))
                // a test send's log keeps its headers as sent too, the custom header's value masked
                .body("items[0].request_headers.'X-Custom-Header'", equalTo("********"))
                .body("items[0].request_headers.'webhook-signature'", equalTo(request.header("webhook-signature")))
                .body("items[0].request_headers.'webhook-timestamp'", equalTo(request.header("webhook-timestamp")))
                .body("items[0].request_headers.'X-Webhook-Signature'", equalTo(request.header("X-Webhook-Signature")));
        // a test is not an event: the delivery statistics stay untouched
        given().when().get("/api/v1/webhooks/" + id).then()
                .body("success_count", equalTo(0)).body("failure_count", equalTo(0));
    }

    @Test
    void defaultsToTheFirstSubscribedEventWithAnExamplePayload() throws Exception {
        String hook = path();
        String id = api.webhook(receiver.url(hook), List.of("import.completed"), Map.of());

        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200).body("success", equalTo(true));

        JsonNode body = JSON.readTree(receiver.requests(hook).get(0).body());
        assertEquals("import.completed", body.get("event").asText());
        assertTrue(body.at("/data/test").asBoolean());
        assertTrue(body.at("/data/task_id").isTextual());
    }

    @Test
    void reportsAFailingReceiverWithoutRetrying() {
        String hook = path();
        receiver.respondAlways(hook, 500, "broken");
        String id = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 5));

        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200)
                .body("success", equalTo(false))
                .body("status_code", equalTo(500))
                .body("response_body", equalTo("broken"))
                .body("error", equalTo("HTTP 500"));
        assertEquals(1, receiver.requests(hook).size());
        given().when().get("/api/v1/webhooks/" + id + "/logs").then().body("items[0].error", equalTo("HTTP 500"));
    }

    @Test
    void honoursTheWebhooksTimeout() {
        String hook = path();
        receiver.respondAlways(hook, 200, "{}", Duration.ofSeconds(5));
        String id = api.webhook(receiver.url(hook), List.of("product.created"), obj("timeout_seconds", 1));

        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200)
                .body("success", equalTo(false))
                .body("status_code", nullValue())
                .body("error", equalTo("timed out after 1 s"))
                .body("response_time_ms", lessThan(4000));
    }

    @Test
    void reportsAnUnreachableReceiver() {
        String id = api.webhook("http://127.0.0.1:9/nobody-listens", List.of("product.created"), Map.of());
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200)
                .body("success", equalTo(false))
                .body("error", containsString("connection"));
    }

    @Test
    void refusesAnUnknownEvent() {
        String id = api.webhook(receiver.url(path()), List.of("product.created"), Map.of());
        given().contentType(ContentType.JSON).body(obj("event", "product.exploded"))
                .when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("event"));
        given().contentType(ContentType.JSON).body(obj("event", "product.created", "payload", "not an object"))
                .when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(400).body("errors.field", hasItem("payload"));
    }

    @Test
    void logsArePagedNewestFirstWithValidatedParameters() {
        String hook = path();
        String id = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(obj("payload", obj("n", i)))
                    .when().post("/api/v1/webhooks/" + id + "/test").then().statusCode(200);
        }
        given().queryParam("limit", 2).when().get("/api/v1/webhooks/" + id + "/logs").then()
                .body("items.size()", equalTo(2)).body("items[0].payload.data.n", equalTo(2))
                .body("items[1].payload.data.n", equalTo(1)).body("has_more", equalTo(true)).body("limit", equalTo(2));
        given().queryParam("limit", 2).queryParam("offset", 2).when().get("/api/v1/webhooks/" + id + "/logs").then()
                .body("items.size()", equalTo(1)).body("items[0].payload.data.n", equalTo(0))
                .body("has_more", equalTo(false)).body("offset", equalTo(2));
        given().queryParam("limit", 101).when().get("/api/v1/webhooks/" + id + "/logs").then()
                .statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("offset", "x").when().get("/api/v1/webhooks/" + id + "/logs").then()
                .statusCode(400).body("errors[0].field", equalTo("offset"));
    }

    @Test
    void testSendsToOneWebhookAreBoundedAndTheRestGet429() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "slow", Duration.ofSeconds(3));
        String id = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> running = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                running.add(callers.submit(() -> given().contentType(ContentType.JSON).body("{}")
                        .when().post("/api/v1/webhooks/" + id + "/test").statusCode()));
            }
            // both are at the receiver: the webhook's two test slots are taken
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.requests(hook).size() == 2);
            given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                    .then().statusCode(429).contentType("application/problem+json")
                    .header("Retry-After", "1")
                    .body("detail", containsString("test sends to one webhook"));
            for (java.util.concurrent.Future<Integer> call : running) {
                assertEquals(200, call.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(2, receiver.requests(hook).size(), "the refused test was not sent");
            receiver.respondAlways(hook, 200, "fast");
            given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                    .then().statusCode(200).body("success", equalTo(true));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void testSendsInOneReplicaAreBoundedOverAllWebhooks() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "slow", Duration.ofSeconds(3));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(api.webhook(receiver.url(hook), List.of("product.created"), Map.of()));
        }
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> running = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = ids.get(i / 2); // two per webhook, within each webhook's own bound
                running.add(callers.submit(() -> given().contentType(ContentType.JSON).body("{}")
                        .when().post("/api/v1/webhooks/" + id + "/test").statusCode()));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.requests(hook).size() == 8);
            given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + ids.get(4) + "/test")
                    .then().statusCode(429).contentType("application/problem+json")
                    .body("detail", containsString("on this replica"));
            for (java.util.concurrent.Future<Integer> call : running) {
                assertEquals(200, call.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(8, receiver.requests(hook).size(), "the refused test was not sent");
        } finally {
            callers.shutdownNow();
        }
    }
}
