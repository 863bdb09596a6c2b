package com.cataloghooks.importing;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.ImportApi.awaitImport;
import static com.cataloghooks.testsupport.ImportApi.product;
import static com.cataloghooks.testsupport.ImportApi.upload;
import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real CSV files through the real API into a real PostgreSQL: what lands in the catalog, and what the task says. */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ImportResourceTest {

    /** A prefix of its own per test, so that SKUs never collide with another test's. */
    private static String prefix() {
        return "IMP-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @Test
    void quotedFieldsBomAnyColumnOrderAndExtraColumnsAreRead() {
        String p = prefix();
        String csv = "\uFEFFName,Extra,SKU,Active,Description\r\n"
                + "\"Chair, oak\",x," + p + "1,no,\"Line one\nline \"\"two\"\"\"\r\n"
                + "Plain lamp,y," + p + "2,,\r\n"
                + "\r\n"
                + "  Spaced  ,z,  " + p + "3  ,YES,d\r\n";
        JsonPath task = awaitImport(upload(csv, "catalog.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals("catalog.csv", task.getString("filename"));
        assertEquals(3, task.getLong("total_rows"));
        assertEquals(3, task.getLong("processed_rows"));
        assertEquals(3, task.getLong("created"));
        assertEquals(0, task.getLong("updated"));
        assertEquals(0, task.getLong("errors"));
        assertNotNull(task.getString("started_at"));
        assertNotNull(task.getString("finished_at"));

        Map<String, Object> chair = product(p + "1");
        assertEquals("Chair, oak", chair.get("name"));
        assertEquals("Line one\nline \"two\"", chair.get("description"));
        assertEquals(false, chair.get("active"));
        Map<String, Object> lamp = product(p + "2");
        assertEquals(true, lamp.get("active"));
        assertNull(lamp.get("description"));
        Map<String, Object> spaced = product(p + "3");
        assertEquals(p + "3", spaced.get("sku"));
        assertEquals("Spaced", spaced.get("name"));
    }

    @Test
    void skuIsUniqueRegardlessOfCaseAndTheLastRowWins() {
        String p = prefix();
        given().contentType(ContentType.JSON).body(obj("sku", p + "old", "name", "Before", "description", "kept?"))
                .when().post("/api/v1/products").then().statusCode(201);
        String csv = "sku,name,description,active\n"
                + p + "dup,First,a,true\n"
                + p.toLowerCase() + "DUP,Second,b,false\n"
                + p.toUpperCase() + "OLD,After,,1\n"
                + p + "Dup,Third,c,0\n";
        JsonPath task = awaitImport(upload(csv, "dups.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals(4, task.getLong("processed_rows"));
        // one new SKU (first row), then overwritten twice; one existing SKU overwritten
        assertEquals(1, task.getLong("created"));
        assertEquals(3, task.getLong("updated"));
        Map<String, Object> dup = product(p + "DUP");
        assertEquals(p + "dup", dup.get("sku"), "the spelling that created the product stays");
        assertEquals("Third", dup.get("name"));
        assertEquals("c", dup.get("description"));
        assertEquals(false, dup.get("active"));
        Map<String, Object> old = product(p + "old");
        assertEquals(p + "old", old.get("sku"));
        assertEquals("After", old.get("name"));
        assertNull(old.get("description"), "an empty description cell overwrites the old one");
        List<Object> matches = given().queryParam("q", p.toLowerCase() + "dup").when().get("/api/v1/products")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, matches.size());
    }

    @Test
    void theLastRowWinsAcrossBatchesAndWriters() {
        // batches of 1,000 rows in the test profile, each written through two connections split by SKU
        String p = prefix();
        StringBuilder csv = new StringBuilder("sku,name\n");
        for (int i = 0; i < 3000; i++) {
            boolean repeat = i == 10 || i == 1500 || i == 2999;
            csv.append(repeat ? (i == 1500 ? p.toLowerCase() + "again" : p + "AGAIN") : p + i)
                    .append(",Row ").append(i).append('\n');
        }
        JsonPath task = awaitImport(upload(csv.toString(), "batches.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals(3000, task.getLong("processed_rows"));
        assertEquals(2998, task.getLong("created"));
        assertEquals(2, task.getLong("updated"));
        Map<String, Object> again = product(p + "again");
        assertEquals("Row 2999", again.get("name"));
        assertEquals(p + "AGAIN", again.get("sku"), "the spelling of the row that created it");
    }

    @Test
    void reimportingCountsEveryKnownSkuAsUpdatedButRewritesOnlyChangedProducts() {
        String p = prefix();
        String csv = "sku,name,active\n" + p + "same,Same,true\n" + p + "changed,Before,true\n";
        assertEquals(2, awaitImport(upload(csv, "first.csv")).getLong("created"));
        Map<String, Object> same = product(p + "same");
        Map<String, Object> changed = product(p + "changed");

        JsonPath again = awaitImport(upload(csv.replace("Before", "After"), "second.csv"));

        assertEquals(0, again.getLong("created"));
        assertEquals(2, again.getLong("updated"));
        assertEquals(same.get("updated_at"), product(p + "same").get("updated_at"), "an identical row is not rewritten");
        Map<String, Object> after = product(p + "changed");
        assertEquals("After", after.get("name"));
        assertEquals(changed.get("created_at"), after.get("created_at"));
        assertTrue(java.time.Instant.parse((String) after.get("updated_at"))
                .isAfter(java.time.Instant.parse((String) changed.get("updated_at"))));
    }

    @Test
    void badRowsAreCountedAndSampledWhileGoodRowsAreImported() {
        String p = prefix();
        String csv = "sku,name,active\n"
                + p + "ok1,Fine,true\n"
                + ",No sku,true\n"
                + p + "noname,,true\n"
                + p + "badflag,Flag,maybe\n"
                + "x".repeat(101) + ",Too long,true\n"
                + p + "ok2,Also fine\n";
        JsonPath task = awaitImport(upload(csv, "mixed.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals(6, task.getLong("total_rows"));
        assertEquals(6, task.getLong("processed_rows"));
        assertEquals(2, task.getLong("created"));
        assertEquals(4, task.getLong("errors"));
        List<Map<String, Object>> samples = task.getList("error_samples");
        assertEquals(4, samples.size());
        assertEquals(Map.of("row", 3, "column", "sku", "message", "is required"), samples.get(0));
        assertEquals(Map.of("row", 4, "column", "name", "message", "is required"), samples.get(1));
        assertEquals(5, samples.get(2).get("row"));
        assertEquals("active", samples.get(2).get("column"));
        assertEquals(Map.of("row", 6, "column", "sku", "message", "must be at most 100 characters"), samples.get(3));
        assertNotNull(product(p + "ok1"));
        assertNotNull(product(p + "ok2"));
        assertNull(product(p + "badflag"));
    }

    @Test
    void onlyTheFirstHundredRowErrorsAreKeptButAllAreCounted() {
        StringBuilder csv = new StringBuilder("sku,name\n");
        for (int i = 0; i < 150; i++) {
            csv.append(",nameless sku\n");
        }
        JsonPath task = awaitImport(upload(csv.toString(), "bad.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals(150, task.getLong("errors"));
        assertEquals(100, task.getList("error_samples").size());
        assertEquals(101, task.getInt("error_samples[99].row"));
    }

    @Test
    void aFileWithoutTheRequiredHeadersFailsTheTask() {
        JsonPath task = awaitImport(upload("code,title\nA,B\n", "wrong.csv"));

        assertEquals("failed", task.getString("status"));
        assertTrue(task.getString("error").contains("'sku'"), task.getString("error"));
        assertEquals(0, task.getLong("processed_rows"));
        assertNotNull(task.getString("finished_at"));
    }

    @Test
    void aFileThatIsNotCsvFailsTheTask() {
        String p = prefix();
        JsonPath task = awaitImport(upload("sku,name\n" + p + "1,\"never closed\n" + p + "2,x\n", "broken.csv"));

        assertEquals("failed", task.getString("status"));
        assertTrue(task.getString("error").startsWith("the file cannot be read as CSV"), task.getString("error"));
        assertNull(product(p + "1"));

        JsonPath latin1 = awaitImport(upload("sku,name\nA,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1), "latin1.csv"));
        assertEquals("failed", latin1.getString("status"));
        assertTrue(latin1.getString("error").contains("UTF-8"), latin1.getString("error"));
    }

    @Test
    void aHeaderOnlyFileCompletesWithNothingToDo() {
        JsonPath task = awaitImport(upload("sku,name\n", "empty-body.csv"));

        assertEquals("completed", task.getString("status"));
        assertEquals(0, task.getLong("total_rows"));
        assertEquals(0, task.getLong("processed_rows"));
    }

    @Test
    void anEmptyUploadIsRefusedAtOnce() {
        given().contentType("text/csv; charset=UTF-8").body(new byte[0]).when().post("/api/v1/products/imports")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("body"));
    }

    @Test
    void multipartUploadTakesTheFileNameFromThePart() {
        String p = prefix();
        String taskId = given().multiPart("file", "from-form.csv",
                        ("sku,name\n" + p + "1,Form product\n").getBytes(StandardCharsets.UTF_8), "text/csv")
                .when().post("/api/v1/products/imports")
                .then().statusCode(202)
                .header("Location", containsString("/api/v1/products/imports/"))
                .body("status", equalTo("queued"))
                .body("status_url", startsWith("/api/v1/products/imports/"))
                .body("events_url", containsString("/events"))
                .extract().path("task_id");
        JsonPath task = awaitImport(taskId);

        assertEquals("completed", task.getString("status"));
        assertEquals("from-form.csv", task.getString("filename"));
        assertEquals("Form product", product(p + "1").get("name"));
    }

    @Test
    void aMultipartRequestWithoutTheFileIsABadRequest() {
        given().multiPart("other", "x").when().post("/api/v1/products/imports")
                .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("file"));
    }

    @Test
    void nonCsvContentIsRefusedWith415() {
        given().contentType(ContentType.JSON).body("{\"sku\":\"x\"}").when().post("/api/v1/products/imports")
                .then().statusCode(415).contentType("application/problem+json")
                .body("errors.field", hasItem("Content-Type"));
        given().multiPart("file", "picture.png", new byte[] {1, 2, 3}, "image/png")
                .when().post("/api/v1/products/imports")
                .then().statusCode(415).contentType("application/problem+json").body("errors.field", hasItem("file"));
        given().multiPart("file", "latin1.csv", "sku,name\nA,B\n".getBytes(StandardCharsets.ISO_8859_1),
                        "text/csv; charset=ISO-8859-1")
                .when().post("/api/v1/products/imports")
                .then().statusCode(415).contentType("application/problem+json").body("errors.field", hasItem("file"));
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413WhetherItsLengthIsAnnouncedOrNot() throws Exception {
        long before = importCount();
        int size = 9 * 1024 * 1024; // the test limit is 8M
        // announced: refused from the headers alone, before the client sends a byte of the body
        String announced = RawHttp.post(ImportResource.PATH, "text/csv", "Content-Length: " + size, out -> { }, 30)
                .text();
        assertTrue(announced.startsWith("HTTP/1.1 413"), announced);
        assertTrue(announced.contains("application/problem+json"), announced);
        assertTrue(announced.contains("\"field\":\"file\""), announced);
        // not announced (chunked): refused once the stored part passes the limit
        String chunked = RawHttp.post(ImportResource.PATH, "text/csv", "Transfer-Encoding: chunked", out -> {
            byte[] chunk = ("sku,name\n" + "a".repeat(65_000) + "\n").getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < size; sent += chunk.length) {
                RawHttp.chunk(out, chunk);
            }
            RawHttp.lastChunk(out);
        }, 30).text();
        assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
        assertTrue(chunked.contains("application/problem+json"), chunked);
        assertEquals(before, importCount(), "no task for a refused upload");
    }

    @Test
    void unknownImportsAre404AndTheListShowsRecentImports() {
        given().when().get("/api/v1/products/imports/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().delete("/api/v1/products/imports/" + UUID.randomUUID()).then().statusCode(404);
        String taskId = upload("sku,name\n" + prefix() + "1,Listed\n", "listed.csv");
        awaitImport(taskId);
        given().when().get("/api/v1/products/imports").then().statusCode(200)
                .body("items.task_id", hasItem(taskId))
                .body("items[0].kind", equalTo("import"));
        // an ended import cannot be cancelled
        given().when().delete("/api/v1/products/imports/" + taskId).then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aFileNameWithControlCharactersIsRefused() {
        given().contentType("text/csv; charset=UTF-8").queryParam("filename", "a\nb.csv").body("sku,name\nA,B\n")
                .when().post("/api/v1/products/imports")
                .then().statusCode(400).body("errors.field", hasItem("filename"));
    }

    private static long importCount() {
        return given().when().get("/api/v1/products/imports").then().statusCode(200).extract().jsonPath()
                .getLong("total");
    }

}
