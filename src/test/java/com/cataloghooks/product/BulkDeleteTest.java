package com.cataloghooks.product;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.cataloghooks.testsupport.ImportApi.awaitEnd;
import static com.cataloghooks.testsupport.Json.fieldNames;
import static com.cataloghooks.testsupport.ImportApi.awaitImport;
import static com.cataloghooks.testsupport.ImportApi.upload;
import static com.cataloghooks.testsupport.Json.fieldNames;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code DELETE /api/v1/products?confirm=true}: a background task with the same progress API, and its events. */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class BulkDeleteTest extends ReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withoutConfirmNothingIsDeleted() {
        String p = prefix();
        createProduct(p + "keep", "?trigger_webhooks=false");
        given().queryParam("q", p).when().delete("/api/v1/products")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("confirm"));
        given().queryParam("q", p).queryParam("confirm", "false").when().delete("/api/v1/products")
                .then().statusCode(400).body("errors.field", hasItem("confirm"));
        given().queryParam("q", p).queryParam("confirm", "maybe").when().delete("/api/v1/products")
                .then().statusCode(400).body("errors.field", hasItem("confirm"));
        assertEquals(1, matching(p));
    }

    @Test
    void deletesExactlyTheMatchingProductsAndAnnouncesEachOne() throws Exception {
        String hook = path();
        api.webhook(receiver.url(hook), List.of("product.deleted"), Map.of());
        String p = prefix();
        // 2,500 inactive products to delete (several batches), 5 active ones with the same prefix to keep
        StringBuilder csv = new StringBuilder("sku,name,active\n");
        for (int i = 0; i < 2500; i++) {
            csv.append(p).append("off-").append(i).append(",Old ").append(i).append(",false\n");
        }
        for (int i = 0; i < 5; i++) {
            csv.append(p).append("on-").append(i).append(",Current ").append(i).append(",true\n");
        }
        assertEquals("completed", awaitImport(upload(csv.toString(), "seed.csv")).getString("status"));

        String statusUrl = given().queryParam("confirm", "true").queryParam("q", p).queryParam("active", "false")
                .when().delete("/api/v1/products")
                .then().statusCode(202)
                .body("status", equalTo("queued"))
                .body("status_url", startsWith("/api/v1/products/deletions/"))
                .extract().path("status_url");
        JsonPath task = awaitEnd(statusUrl);

        assertEquals("completed", task.getString("status"));
        assertEquals("bulk_delete", task.getString("kind"));
        assertEquals(2500, task.getLong("total_rows"));
        assertEquals(2500, task.getLong("processed_rows"));
        assertEquals(2500, task.getLong("deleted"));
        assertEquals(5, matching(p), "the active products stay");
        assertEquals(0, given().queryParam("q", p).queryParam("active", "false").get("/api/v1/products")
                .jsonPath().getLong("total"));

        List<JsonNode> deleted = await().atMost(Duration.ofSeconds(60)).until(() -> deletedEvents(hook, p),
                events -> events.size() >= 2500);
        Set<String> skus = deleted.stream().map(e -> e.at("/data/sku").asText()).collect(Collectors.toSet());
        assertEquals(2500, skus.size());
        assertEquals(Set.of("id", "sku", "name"), fieldNames(deleted.get(0).get("data")));
        assertEquals(0, skus.stream().filter(s -> s.contains("-on-")).count());
        given().when().get("/api/v1/products/deletions").then().statusCode(200)
                .body("items.task_id", hasItem(task.getString("task_id")));
    }

    @Test
    void optingOutDeletesWithoutEvents() throws Exception {
        String hook = path();
        api.webhook(receiver.url(hook), List.of("product.deleted"), Map.of());
        String p = prefix();
        for (int i = 0; i < 3; i++) {
            createProduct(p + i, "?trigger_webhooks=false");
        }
        String statusUrl = given().queryParam("confirm", "true").queryParam("q", p)
                .queryParam("trigger_webhooks", "false")
                .when().delete("/api/v1/products").then().statusCode(202).extract().path("status_url");
        assertEquals(3, awaitEnd(statusUrl).getLong("deleted"));
        assertEquals(0, matching(p));

        // a product deleted afterwards with events on is announced; the silent ones never were
        String marker = p + "marker";
        String id = createProduct(marker, "?trigger_webhooks=false");
        given().when().delete("/api/v1/products/" + id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> deletedEvents(hook, p).size() >= 1);
        List<JsonNode> events = deletedEvents(hook, p);
        assertEquals(1, events.size());
        assertEquals(marker, events.get(0).at("/data/sku").asText());
    }

    @Test
    void unknownDeletionsAre404() {
        given().when().get("/api/v1/products/deletions/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/api/v1/products/deletions/not-an-id")
                .then().statusCode(404);
    }

    private static String prefix() {
        return "BULK-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    private static long matching(String p) {
        return given().queryParam("q", p).when().get("/api/v1/products").then().statusCode(200)
                .extract().jsonPath().getLong("total");
    }

    private static List<JsonNode> deletedEvents(String hook, String p) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (ReceivedRequest request : receiver.requests(hook)) {
            JsonNode event = JSON.readTree(request.body());
            if (event.at("/data/sku").asText().startsWith(p)) {
                events.add(event);
            }
        }
        return events;
    }
}
