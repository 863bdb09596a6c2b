package com.cataloghooks.importing;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.RowLock;
import com.cataloghooks.testsupport.SseClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.cataloghooks.testsupport.ImportApi.awaitImport;
import static com.cataloghooks.testsupport.ImportApi.product;
import static com.cataloghooks.testsupport.ImportApi.upload;
import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live progress and cancel, made deterministic without sleeps: the test holds a row lock on a product that the
 * import's second batch must update, so the import is known to be mid-way (first batch committed, second
 * waiting) for as long as the test wants. Batches are 1,000 rows in the test profile, each written through two
 * connections split by SKU ({@code catalog.imports.writers=2} there), so part of batch 2 may commit while the
 * part with the locked product waits.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ImportProgressTest {

    private static final int BATCH = 1000;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void progressStreamsWhileAnImportRunsAndACancelStopsItAfterTheCurrentBatch() throws Exception {
        String p = "PRG-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String blocker = p + "blocker";
        given().contentType(ContentType.JSON).body(obj("sku", blocker, "name", "locked by the test"))
                .when().post("/api/v1/products?trigger_webhooks=false").then().statusCode(201);
        String csv = rows(p, 3 * BATCH, BATCH + 10, blocker);

        String taskId;
        try (Connection lock = lockProduct(blocker)) {
            taskId = upload(csv, "progress.csv");
            String status = "/api/v1/products/imports/" + taskId;
            // batch 1 is in; batch 2 is written through two connections, and the one holding the blocker waits
            await().atMost(Duration.ofSeconds(30)).until(() -> given().get(status).jsonPath(),
                    t -> t.getLong("processed_rows") >= BATCH);

            try (SseClient stream = SseClient.open(status + "/events")) {
                // several progress events while the import cannot move: they come on a clock, not on changes
                await().atMost(Duration.ofSeconds(10)).until(() -> stream.events().size() >= 3);
                SseClient.Event progress = stream.events().get(0);
                assertEquals("progress", progress.name());
                JsonPath running = JsonPath.from(progress.data());
                assertEquals("running", running.getString("status"));
                assertEquals(3 * BATCH, running.getLong("total_rows"));
                long processed = running.getLong("processed_rows");
                assertTrue(processed >= BATCH && processed < 2 * BATCH, "processed " + processed);

                given().when().delete(status).then().statusCode(202)
                        .body("cancel_requested", equalTo(true)).body("status", equalTo("running"));
                lock.rollback();

                await().atMost(Duration.ofSeconds(30)).until(stream::ended);
                assertEquals(200, stream.status());
                List<SseClient.Event> events = stream.events();
                SseClient.Event last = events.get(events.size() - 1);
                assertEquals("cancelled", last.name());
                assertEquals("cancelled", JsonPath.from(last.data()).getString("status"));
                assertTrue(events.subList(0, events.size() - 1).stream().allMatch(e -> e.name().equals("progress")));
            }
        }
        JsonPath task = awaitImport(taskId);
        assertEquals("cancelled", task.getString("status"));
        assertEquals(2 * BATCH, task.getLong("processed_rows"), "the batch under way when cancelled completes");
        assertEquals(2 * BATCH - 1, task.getLong("created"));
        assertEquals(1, task.getLong("updated"));
        assertNotNull(task.getString("finished_at"));
        assertNotNull(product(p + (2 * BATCH - 1)), "rows committed before the cancel stay");
        assertNull(product(p + (2 * BATCH + 1)), "rows after the cancel are not imported");
        assertEquals("updated by the import", product(blocker).get("name"));
    }

    @Test
    void aQueuedImportIsCancelledAtOnceAndAFullQueueRefusesMoreAndAnEndedStreamSendsOnlyTheFinalEvent()
            throws Exception {
        String p = "QUE-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String first = p + "lock1";
        String second = p + "lock2";
        for (String sku : List.of(first, second)) {
            given().contentType(ContentType.JSON).body(obj("sku", sku, "name", "locked"))
                    .when().post("/api/v1/products?trigger_webhooks=false").then().statusCode(201);
        }
        String queued;
        String a;
        String b;
        try (Connection lock1 = lockProduct(first); Connection lock2 = lockProduct(second)) {
            // both runner threads (concurrency 2) wait on a lock; the third import waits in the queue
            a = upload(rows(p + "a", 2, 0, first), "a.csv");
            b = upload(rows(p + "b", 2, 0, second), "b.csv");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "running".equals(given().get("/api/v1/products/imports/" + a).jsonPath().getString("status"))
                            && "running".equals(given().get("/api/v1/products/imports/" + b).jsonPath().getString("status")));
            queued = upload(rows(p + "c", 2, -1, null), "c.csv");
            assertEquals("queued", given().get("/api/v1/products/imports/" + queued).jsonPath().getString("status"));
            // the test profile lets one task wait per instance: the next one is refused, and nothing is stored
            given().contentType("text/csv; charset=UTF-8").body(rows(p + "d", 2, -1, null))
                    .when().post("/api/v1/products/imports")
                    .then().statusCode(503).contentType("application/problem+json");

            given().when().delete("/api/v1/products/imports/" + queued).then().statusCode(202)
                    .body("status", equalTo("cancelled"));
            lock1.rollback();
            lock2.rollback();
        }
        assertEquals("completed", awaitImport(a).getString("status"));
        assertEquals("completed", awaitImport(b).getString("status"));
        JsonPath cancelled = awaitImport(queued);
        assertEquals("cancelled", cancelled.getString("status"));
        assertNull(cancelled.get("started_at"));
        assertNull(product(p + "c0"));

        try (SseClient stream = SseClient.open("/api/v1/products/imports/" + queued + "/events")) {
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertEquals(1, stream.events().size());
            assertEquals("cancelled", stream.events().get(0).name());
        }
        try (SseClient missing = SseClient.open("/api/v1/products/imports/" + UUID.randomUUID() + "/events")) {
            await().atMost(Duration.ofSeconds(10)).until(missing::ended);
            assertEquals(404, missing.status());
        }
    }

    /** {@code count} new products, with {@code blocker} (if any) at row index {@code blockerAt}. */
    private static String rows(String prefix, int count, int blockerAt, String blocker) {
        StringBuilder csv = new StringBuilder("sku,name\n");
        for (int i = 0; i < count; i++) {
            if (i == blockerAt && blocker != null) {
                csv.append(blocker).append(",updated by the import\n");
            } else {
                csv.append(prefix).append(i).append(",Product ").append(i).append('\n');
            }
        }
        return csv.toString();
    }

    private Connection lockProduct(String sku) throws Exception {
        return RowLock.hold(dataSource.getConnection(), sku);
    }
}
