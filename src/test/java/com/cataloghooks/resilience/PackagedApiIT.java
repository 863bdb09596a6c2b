package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.ImportApi;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.Signatures;
import com.cataloghooks.testsupport.SseClient;
import com.cataloghooks.testsupport.TestInfrastructure;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's whole API against the packaged service (the jar, or the native executable under
 * {@code scripts/native-check}), through the real broker to a real receiver: what a native image gets wrong
 * (a type not registered for reflection, a resource left out, a class initialised at build time) shows here as a
 * wrong body, a 500 or a missing delivery.
 */
class PackagedApiIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String SECRET = "packaged-api-secret";
    private static ServiceProcess service;
    private static TestReceiver receiver;
    private static String webhookId;
    private static String path;

    @BeforeAll
    static void start() {
        receiver = TestReceiver.start();
        service = ServiceProcess.of(TestInfrastructure.get(), Map.of("CATALOG_DELIVERY_BACKOFF_BASE", "200")).start();
        URI base = URI.create(service.baseUrl());
        RestAssured.baseURI = base.getScheme() + "://" + base.getHost();
        RestAssured.port = base.getPort();
        path = "/api-" + UUID.randomUUID();
        webhookId = given().contentType(ContentType.JSON)
                .body(obj("url", receiver.url(path), "secret", SECRET, "description", "packaged API",
                        "headers", Map.of("X-Api-Key", "k-123"),
                        "events", List.of("product.created", "product.updated", "product.deleted",
                                "import.started", "import.completed")))
                .when().post("/api/v1/webhooks")
                .then().statusCode(201)
                .body("has_secret", equalTo(true))
                .body("headers.X-Api-Key", equalTo("********"))
                .extract().path("id");
    }

    @AfterAll
    static void stop() {
        if (webhookId != null) {
            given().when().delete("/api/v1/webhooks/" + webhookId);
        }
        RestAssured.reset();
        service.close();
        receiver.close();
    }

    @Test
    void productLifecycleIsDeliveredSignedWithCustomHeaders() {
        String sku = "PKG-" + UUID.randomUUID();
        String id = given().contentType(ContentType.JSON).body(obj("sku", sku, "name", "Packaged", "description", "d"))
                .when().post("/api/v1/products")
                .then().statusCode(201).body("sku", equalTo(sku)).body("active", equalTo(true))
                .extract().path("id");
        given().when().get("/api/v1/products/" + id).then().statusCode(200).body("name", equalTo("Packaged"));
        given().queryParam("q", sku).when().get("/api/v1/products")
                .then().statusCode(200).body("items.id", hasItem(id));
        given().contentType(ContentType.JSON).body(obj("name", "Renamed"))
                .when().put("/api/v1/products/" + id).then().statusCode(200).body("name", equalTo("Renamed"));
        given().when().delete("/api/v1/products/" + id).then().statusCode(204);
        given().when().get("/api/v1/products/" + id).then().statusCode(404).contentType("application/problem+json");

        // default mode does not order one product's deliveries among themselves: compare by event type
        Map<String, ReceivedRequest> byEvent = await().atMost(PATIENCE).until(() -> forProduct(id).stream()
                        .collect(Collectors.toMap(r -> r.header("X-Webhook-Event"), r -> r, (first, again) -> first)),
                e -> e.size() == 3);
        assertEquals(Set.of("product.created", "product.updated", "product.deleted"), byEvent.keySet());
        for (ReceivedRequest request : byEvent.values()) {
            assertEquals(Signatures.expectedBodySignature(SECRET, request.body()), request.header("X-Webhook-Signature"));
            assertEquals(Signatures.expectedStandardSignature(SECRET, request.header("webhook-id"),
                    request.header("webhook-timestamp"), request.body()), request.header("webhook-signature"));
            assertEquals("k-123", request.header("X-Api-Key"));
            assertEquals("FulFil-Webhook/1.0", request.header("User-Agent"));
        }
        assertEquals("Renamed", new JsonPath(byEvent.get("product.updated").bodyAsString()).getString("data.name"));
        ReceivedRequest deleted = byEvent.get("product.deleted");
        assertEquals(sku, new JsonPath(deleted.bodyAsString()).getString("data.sku"));

        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/v1/webhooks/" + webhookId + "/logs")
                .then().statusCode(200).body("items.event_id", hasItem(deleted.header("webhook-id"))));
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        given().contentType(ContentType.JSON).body(obj("name", "no sku")).when().post("/api/v1/products")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400)).body("errors.field", hasItem("sku"));
        given().contentType(ContentType.JSON).body(obj("url", "ftp://example.com", "events", List.of("product.created")))
                .when().post("/api/v1/webhooks")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("url"));
    }

    @Test
    void testEndpointSendsASignedSampleAndLogsIt() {
        given().contentType(ContentType.JSON).body(obj("event", "product.updated"))
                .when().post("/api/v1/webhooks/" + webhookId + "/test")
                .then().statusCode(200)
                .body("success", equalTo(true)).body("status_code", equalTo(200)).body("error", nullValue());
        ReceivedRequest sent = receiver.requests(path).stream()
                .filter(r -> Boolean.TRUE.equals(new JsonPath(r.bodyAsString()).get("data.test"))).findFirst().orElseThrow();
        assertEquals(Signatures.expectedBodySignature(SECRET, sent.body()), sent.header("X-Webhook-Signature"));
        given().when().get("/api/v1/webhooks/" + webhookId + "/logs")
                .then().statusCode(200).body("items.find { it.test == true }.event", equalTo("product.updated"));
    }

    @Test
    void csvImportReportsProgressAndAnnouncesItself() {
        String prefix = "PKGIMP-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String csv = "sku,name,description,active\n"
                + prefix + "1,\"Chair, oak\",\"says \"\"hi\"\"\",true\n"
                + prefix + "2,Table,,false\n"
                + ",missing sku,,true\n";
        String taskId = ImportApi.upload(csv, "packaged.csv");
        JsonPath task = ImportApi.awaitImport(taskId);
        assertEquals("completed", task.getString("status"), task.prettify());
        assertEquals(2, task.getInt("created"));
        assertEquals(1, task.getInt("errors"));
        assertEquals("sku", task.getString("error_samples[0].column"), task.prettify());
        assertEquals("Chair, oak", ImportApi.product(prefix + "1").get("name"));

        try (SseClient stream = SseClient.open("/api/v1/products/imports/" + taskId + "/events")) {
            await().atMost(PATIENCE).until(stream::ended);
            assertEquals(200, stream.status());
            assertEquals("completed", stream.events().get(stream.events().size() - 1).name());
        }
        List<String> importEvents = await().atMost(PATIENCE).until(() -> receiver.requests(path).stream()
                .map(r -> new JsonPath(r.bodyAsString()))
                .filter(e -> taskId.equals(e.getString("data.task_id")))
                .map(e -> e.getString("event") + ":" + e.getString("data.created")).sorted().toList(), e -> e.size() == 2);
        assertEquals(List.of("import.completed:2", "import.started:null"), importEvents);
    }

    @Test
    void bulkDeleteRemovesTheMatchingProducts() {
        String prefix = "PKGDEL-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body(obj("sku", prefix + "-" + i, "name", "n"))
                    .when().post("/api/v1/products?trigger_webhooks=false").then().statusCode(201);
        }
        String statusUrl = given().queryParam("confirm", "true").queryParam("q", prefix)
                .queryParam("trigger_webhooks", "false")
                .when().delete("/api/v1/products").then().statusCode(202).extract().path("status_url");
        JsonPath task = ImportApi.awaitEnd(statusUrl);
        assertEquals("completed", task.getString("status"), task.prettify());
        given().queryParam("q", prefix).when().get("/api/v1/products").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void servesMetricsAndTheApiDocument() {
        String openapi = given().when().get("/api/openapi").then().statusCode(200).extract().asString();
        assertTrue(openapi.contains("/api/v1/products/imports"), "OpenAPI lists the import endpoint");
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"));
        given().when().get("/api/v1/webhooks/events").then().statusCode(200).body("event", hasItem("import.failed"));
    }

    private static List<ReceivedRequest> forProduct(String productId) {
        return receiver.requests(path).stream()
                .filter(r -> productId.equals(new JsonPath(r.bodyAsString()).getString("data.id")))
                .toList();
    }
}
