package com.cataloghooks.testsupport;

import io.restassured.path.json.JsonPath;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Starts imports and bulk deletes through the public API and waits for their tasks to end. */
public final class ImportApi {

    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private ImportApi() {
    }

    /** Uploads a CSV as a raw text/csv body; returns the task id. */
    public static String upload(String csv, String filename) {
        return upload(csv.getBytes(StandardCharsets.UTF_8), filename);
    }

    public static String upload(byte[] csv, String filename) {
        return given().contentType("text/csv; charset=UTF-8").queryParam("filename", filename).body(csv)
                .when().post("/api/v1/products/imports")
                .then().statusCode(202).extract().path("task_id");
    }

    /** Waits until the task at {@code statusPath} has ended; returns its final state. */
    public static JsonPath awaitEnd(String statusPath) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().when().get(statusPath).then().statusCode(200).extract().jsonPath(),
                        task -> FINAL.contains(task.getString("status")));
    }

    public static JsonPath awaitImport(String taskId) {
        return awaitEnd("/api/v1/products/imports/" + taskId);
    }

    /** The product with this SKU (any case), or null. */
    public static Map<String, Object> product(String sku) {
        List<Map<String, Object>> items = given().queryParam("sku", sku).when().get("/api/v1/products")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.isEmpty() ? null : items.get(0);
    }
}
