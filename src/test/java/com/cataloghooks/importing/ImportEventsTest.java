package com.cataloghooks.importing;

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
import java.util.Set;
import java.util.UUID;

import static com.cataloghooks.testsupport.ImportApi.awaitImport;
import static com.cataloghooks.testsupport.ImportApi.upload;
import static com.cataloghooks.testsupport.Json.fieldNames;
import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An import's three events travel the whole real path (outbox → Kafka → dispatcher → HTTP receiver) with the
 * task's counts, and the rows it writes emit no {@code product.*} event of their own.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ImportEventsTest extends ReceiverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EVENTS = List.of("import.started", "import.completed", "import.failed",
            "product.created", "product.updated");

    @Test
    void aCompletedImportAnnouncesStartAndEndWithItsCounts() throws Exception {
        String hook = path();
        api.webhook(receiver.url(hook), EVENTS, Map.of());
        String p = "EVT-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        given().contentType(ContentType.JSON).body(obj("sku", p + "existing", "name", "Before"))
                .when().post("/api/v1/products?trigger_webhooks=false").then().statusCode(201);
        String taskId = upload("sku,name\n" + p + "new1,A\n" + p + "EXISTING,B\n,no sku\n" + p + "new2,C\n",
                "events.csv");
        assertEquals("completed", awaitImport(taskId).getString("status"));

        JsonNode started = awaitEvent(hook, "import.started", taskId);
        assertEquals(Set.of("task_id", "filename", "total_rows"), fieldNames(started.get("data")));
        assertEquals("events.csv", started.at("/data/filename").asText());
        assertEquals(4, started.at("/data/total_rows").asLong());

        JsonNode completed = awaitEvent(hook, "import.completed", taskId);
        assertEquals(Set.of("task_id", "created", "updated", "errors"), fieldNames(completed.get("data")));
        assertEquals(2, completed.at("/data/created").asLong());
        assertEquals(1, completed.at("/data/updated").asLong());
        assertEquals(1, completed.at("/data/errors").asLong());

        // A product written after the import, through the API, is announced; none of the imported rows were.
        String marker = p + "marker";
        createProduct(marker, "");
        await().atMost(Duration.ofSeconds(30)).until(() -> events(hook).stream()
                .anyMatch(e -> e.at("/data/sku").asText().equals(marker)));
        List<String> importedSkusAnnounced = events(hook).stream()
                .filter(e -> e.get("event").asText().startsWith("product."))
                .map(e -> e.at("/data/sku").asText())
                .filter(sku -> sku.startsWith(p) && !sku.equals(marker))
                .toList();
        assertEquals(List.of(), importedSkusAnnounced);
    }

    @Test
    void aFailedImportAnnouncesTheFailure() throws Exception {
        String hook = path();
        api.webhook(receiver.url(hook), EVENTS, Map.of());
        String taskId = upload("code,title\nA,B\n", "no-header.csv");
        String error = awaitImport(taskId).getString("error");

        JsonNode failed = awaitEvent(hook, "import.failed", taskId);
        assertEquals(Set.of("task_id", "error"), fieldNames(failed.get("data")));
        assertEquals(error, failed.at("/data/error").asText());
        assertTrue(error.contains("sku"));
        assertTrue(events(hook).stream().noneMatch(e -> e.get("event").asText().equals("import.started")
                && e.at("/data/task_id").asText().equals(taskId)), "a file that could not be read never started");
    }

    private static JsonNode awaitEvent(String hook, String type, String taskId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> events(hook).stream()
                .filter(e -> e.get("event").asText().equals(type) && e.at("/data/task_id").asText().equals(taskId))
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    private static List<JsonNode> events(String hook) throws Exception {
        List<JsonNode> events = new java.util.ArrayList<>();
        for (ReceivedRequest request : receiver.requests(hook)) {
            events.add(JSON.readTree(request.body()));
        }
        return events;
    }
}
