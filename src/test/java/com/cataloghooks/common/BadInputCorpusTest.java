package com.cataloghooks.common;

import com.cataloghooks.testsupport.InfraTestResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays the committed corpus {@code bad-requests.jsonl} (malformed and truncated JSON, wrong types, nulls, huge
 * and control-character values, forged or line-breaking custom headers, bad URLs, query parameters and ids, wrong
 * content types and methods) against every endpoint: each answer must be a 4xx problem+json, and the database
 * must be exactly as before.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class BadInputCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TABLES = {"products", "webhooks", "outbox_events", "webhook_deliveries", "webhook_logs"};

    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyBadRequestIsRefusedWithAProblemAndChangesNothing() throws Exception {
        String productId = given().contentType("application/json").body(obj("sku", "CORPUS-" + System.nanoTime(), "name", "kept"))
                .post("/api/v1/products?trigger_webhooks=false").then().statusCode(201).extract().path("id");
        String webhookId = given().contentType("application/json")
                .body(obj("url", "http://127.0.0.1:9/corpus", "events", List.of("import.failed"), "is_active", false))
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
        List<JsonNode> corpus = corpus();
        assertTrue(corpus.size() >= 200, "the corpus has " + corpus.size() + " requests");
        Map<String, String> before = snapshot();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : corpus) {
            HttpResponse<String> response = client.send(request(entry, productId, webhookId),
                    HttpResponse.BodyHandlers.ofString());
            String problem = check(response);
            if (problem != null) {
                failures.add(entry.get("method").asText() + " " + entry.get("path").asText() + " ("
                        + entry.get("note").asText() + "): " + problem);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + corpus.size() + " bad requests were not refused"
                + " properly:\n" + String.join("\n", failures));
        assertEquals(before, snapshot(), "the corpus changed the database");
        given().delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
        given().delete("/api/v1/products/" + productId + "?trigger_webhooks=false").then().statusCode(204);
    }

    private static String check(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status < 400 || status >= 500) {
            return "status " + status + " " + abbreviate(response.body());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json")) {
            return "status " + status + " with content type '" + type + "'";
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.path("status").asInt() != status || body.path("title").asText().isEmpty()) {
                return "problem body without matching status and title: " + abbreviate(response.body());
            }
            if (response.body().contains("Exception") || response.body().contains("at com.")) {
                return "internals leak: " + abbreviate(response.body());
            }
        } catch (IOException e) {
            return "body is not JSON: " + abbreviate(response.body());
        }
        return null;
    }

    private HttpRequest request(JsonNode entry, String productId, String webhookId) {
        String path = entry.get("path").asText().replace("{product}", productId).replace("{webhook}", webhookId);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", com.cataloghooks.testsupport.TestAuth.BEARER);
        if (!entry.get("content_type").isNull()) {
            builder.header("Content-Type", entry.get("content_type").asText());
        }
        JsonNode body = entry.get("body");
        HttpRequest.BodyPublisher publisher = body.isNull()
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(expand(body.asText()), StandardCharsets.UTF_8);
        return builder.method(entry.get("method").asText(), publisher).build();
    }

    /** Huge bodies are not stored in the corpus but made here. */
    private static String expand(String body) {
        return switch (body) {
            case "@REPEAT@" -> "{\"sku\":\"HUGE\",\"name\":\"n\",\"description\":\"" + "d".repeat(900_000) + "\"}";
            case "@REPEAT_URL@" -> "{\"url\":\"http://example.com/" + "u".repeat(100_000) + "\",\"events\":[\"product.created\"]}";
            default -> body;
        };
    }

    private static List<JsonNode> corpus() throws IOException {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/bad-requests.jsonl")) {
            List<JsonNode> entries = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    entries.add(JSON.readTree(line));
                }
            }
            return entries;
        }
    }

    /** Row count and the newest change of every table. */
    private Map<String, String> snapshot() throws SQLException {
        Map<String, String> state = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            for (String table : TABLES) {
                String changed = table.equals("webhook_logs") || table.equals("outbox_events") ? "created_at" : "updated_at";
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*), max(" + changed + ") FROM " + table)) {
                    rs.next();
                    state.put(table, rs.getLong(1) + " rows, last change " + rs.getString(2));
                }
            }
        }
        return state;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
