package com.cataloghooks.openapi;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.WebhookApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.filter.Filter;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The API as integrators meet it: its flows (products, bulk deletes, imports, webhooks, deliveries, replays, and
 * their refusals) run through Atlassian's OpenAPI validator against the committed document, which
 * {@link OpenApiSnapshotTest} keeps equal to the served one. Every request and every answer, status, headers and
 * body, must be what the document says; and every operation the document lists must have been exercised, so a new
 * operation cannot go unchecked.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OpenApiValidationTest extends ReceiverTest {

    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    private static OpenApiInteractionValidator validator;
    private static Map<Pattern, String> operations;

    private final List<String> violations = new ArrayList<>();
    private final Set<String> exercised = new TreeSet<>();

    /** Checks the request and the answer. */
    private final Filter validating = (request, response, context) ->
            check(request, context.next(request, response), true);
    /**
     * Checks the answer only: for requests the document itself forbids, sent to see them refused, and for multipart
     * uploads, whose body the validator's RestAssured adapter does not see (it would report it missing).
     */
    private final Filter validatingAnswers = (request, response, context) ->
            check(request, context.next(request, response), false);

    private io.restassured.response.Response check(FilterableRequestSpecification request,
                                                   io.restassured.response.Response answer, boolean wholeExchange) {
        String method = request.getMethod();
        String path = java.net.URI.create(request.getURI()).getPath();
        operations.forEach((template, name) -> {
            if (template.matcher(method + " " + path).matches()) {
                exercised.add(name);
            }
        });
        ValidationReport report = wholeExchange
                ? validator.validate(RestAssuredRequest.of(request), RestAssuredResponse.of(answer))
                : validator.validateResponse(path, Request.Method.valueOf(method), RestAssuredResponse.of(answer));
        for (ValidationReport.Message message : report.getMessages()) {
            violations.add(method + " " + path + " -> " + answer.statusCode() + ": [" + message.getKey() + "] "
                    + message.getMessage());
        }
        return answer;
    }

    @BeforeAll
    static void readTheDocument() throws IOException {
        String document = Files.readString(OpenApiSnapshotTest.SNAPSHOT, StandardCharsets.UTF_8);
        validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
        operations = new LinkedHashMap<>();
        JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(document).get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String regex = path.getKey().replaceAll("\\{[^}]+}", "[^/]+");
            path.getValue().fieldNames().forEachRemaining(method -> operations.put(
                    Pattern.compile(method.toUpperCase() + " " + regex),
                    path.getValue().get(method).get("operationId").asText()));
        }
    }

    @BeforeEach
    void credentials() {
        TestAuth.install();
    }

    private RequestSpecification api() {
        return given().filter(validating);
    }

    private RequestSpecification answersOnly() {
        return given().filter(validatingAnswers);
    }

    @Test
    void everyOperationAnswersAsTheDocumentSays() {
        String hook = path();
        receiver.respondAlways(hook, 200, "{\"ok\":true}");

        // --- webhooks: create, read, list, update, the event catalog, a test send, a secret rotation
        String webhookId = api().contentType(ContentType.JSON)
                .body(obj("url", receiver.url(hook), "events", List.of("product.created", "product.updated",
                        "product.deleted"), "description", "OpenAPI flow"))
                .when().post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
        String bare = api().contentType(ContentType.JSON)
                .body(obj("url", receiver.url(hook), "events", List.of("product.created")))
                .when().post("/api/v1/webhooks").then().statusCode(201)
                .body("description", equalTo(null)).body("last_error", equalTo(null)).extract().path("id");
        api().when().delete("/api/v1/webhooks/" + bare).then().statusCode(204);
        api().when().get("/api/v1/webhooks/" + webhookId).then().statusCode(200).body("health", notNullValue());
        api().queryParam("is_active", "true").when().get("/api/v1/webhooks").then().statusCode(200);
        api().contentType(ContentType.JSON)
                .body(obj("retry_count", 2, "rate_limit_per_second", 50, "filter", obj("active", true)))
                .when().put("/api/v1/webhooks/" + webhookId).then().statusCode(200).body("retry_count", equalTo(2));
        api().when().get("/api/v1/webhooks/events").then().statusCode(200).body("$", hasSize(6));
        api().contentType(ContentType.JSON).body(obj("event", "product.created", "payload", obj("id", "test-123")))
                .when().post("/api/v1/webhooks/" + webhookId + "/test").then().statusCode(200)
                .body("success", equalTo(true));
        api().contentType(ContentType.JSON).when().post("/api/v1/webhooks/" + webhookId + "/test") // no body
                .then().statusCode(200);
        api().contentType(ContentType.JSON).body(obj("grace_period_seconds", 60))
                .when().post("/api/v1/webhooks/" + webhookId + "/secret/rotate").then().statusCode(200)
                .body("secret", notNullValue());

        // --- products: create, read, list (offset and keyset pages, filters), update, delete
        String sku = WebhookApi.uniqueSku();
        String productId = api().contentType(ContentType.JSON).body(obj("sku", sku, "name", "Validated"))
                .when().post("/api/v1/products").then().statusCode(201).body("description", equalTo(null))
                .extract().path("id");
        api().when().get("/api/v1/products/" + productId).then().statusCode(200);
        String cursor = api().queryParam("limit", 1).when().get("/api/v1/products").then().statusCode(200)
                .extract().path("next_cursor");
        if (cursor != null) {
            api().queryParam("after", cursor).when().get("/api/v1/products").then().statusCode(200);
        }
        api().queryParam("q", "Validated").queryParam("active", "true").when().get("/api/v1/products")
                .then().statusCode(200);
        api().contentType(ContentType.JSON).body(obj("description", "now described"))
                .when().put("/api/v1/products/" + productId).then().statusCode(200);

        // --- the deliveries those changes made, their attempt logs, a redelivery and a replay
        await().atMost(Duration.ofSeconds(30)).until(() -> api().when()
                .get("/api/v1/webhooks/" + webhookId + "/deliveries").then().statusCode(200).extract().jsonPath()
                .getList("items.status").stream().filter("succeeded"::equals).count() == 2);
        api().when().get("/api/v1/webhooks/" + webhookId + "/logs").then().statusCode(200);
        String deliveryId = api().queryParam("status", "succeeded").queryParam("limit", 1)
                .when().get("/api/v1/webhooks/" + webhookId + "/deliveries").then().statusCode(200)
                .extract().path("items[0].id");
        api().when().get("/api/v1/webhooks/" + webhookId + "/deliveries/" + deliveryId).then().statusCode(200);
        api().when().post("/api/v1/webhooks/" + webhookId + "/deliveries/" + deliveryId + "/redeliver")
                .then().statusCode(202);
        String replay = api().contentType(ContentType.JSON)
                .body(obj("since", Instant.now().minusSeconds(3600).toString(), "status", "all"))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay").then().statusCode(202)
                .extract().path("status_url");
        awaitEnd(replay);

        // --- refusals: each answers with a status and a problem the document lists
        api().contentType(ContentType.JSON).body(obj("sku", sku.toLowerCase(), "name", "Twin"))
                .when().post("/api/v1/products").then().statusCode(409);
        answersOnly().contentType(ContentType.JSON).body(obj("sku", "X", "name", "N", "colour", "red"))
                .when().post("/api/v1/products").then().statusCode(400);
        answersOnly().contentType(ContentType.TEXT).body("sku=X")
                .when().post("/api/v1/products").then().statusCode(415);
        api().queryParam("limit", 0).when().get("/api/v1/products").then().statusCode(400);
        api().when().get("/api/v1/products/not-a-uuid").then().statusCode(404);
        api().when().get("/api/v1/products/" + UUID.randomUUID()).then().statusCode(404);
        api().when().get("/api/v1/webhooks/" + UUID.randomUUID() + "/logs").then().statusCode(404);
        answersOnly().header("Authorization", "Bearer not-a-key").when().get("/api/v1/products")
                .then().statusCode(401);
        api().header("Authorization", "Bearer " + TestAuth.READER_KEY).contentType(ContentType.JSON)
                .body(obj("sku", "X", "name", "N")).when().post("/api/v1/products").then().statusCode(403);

        // --- bulk delete of that product (refused without confirm), and its task
        api().queryParam("sku", sku).when().delete("/api/v1/products").then().statusCode(400);
        String deletion = api().queryParam("confirm", "true").queryParam("sku", sku)
                .when().delete("/api/v1/products").then().statusCode(202).extract().path("status_url");
        JsonPath deleted = awaitEnd(deletion);
        assertEquals(1, deleted.getInt("deleted"));
        api().when().get(deletion + "/events").then().statusCode(200);
        api().when().delete(deletion).then().statusCode(409);
        api().when().get("/api/v1/products/deletions").then().statusCode(200);

        // --- one product deleted alone, twice
        String single = api().contentType(ContentType.JSON)
                .body(obj("sku", WebhookApi.uniqueSku(), "name", "Gone soon", "description", "d"))
                .when().post("/api/v1/products").then().statusCode(201).extract().path("id");
        api().when().delete("/api/v1/products/" + single).then().statusCode(204);
        api().when().delete("/api/v1/products/" + single).then().statusCode(404);

        // --- imports: multipart and raw CSV, the task, its events, the list
        String csv = "sku,name,description\n" + WebhookApi.uniqueSku() + ",Imported,\n";
        String multipart = answersOnly()
                .multiPart("file", "catalog.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .when().post("/api/v1/products/imports").then().statusCode(202).extract().path("status_url");
        assertEquals("completed", awaitEnd(multipart).getString("status"));
        String raw = api().contentType("text/csv; charset=UTF-8").queryParam("filename", "raw.csv").body(csv)
                .when().post("/api/v1/products/imports").then().statusCode(202).extract().path("status_url");
        awaitEnd(raw);
        api().when().get(raw + "/events").then().statusCode(200);
        api().when().delete(raw).then().statusCode(409);
        api().when().get("/api/v1/products/imports").then().statusCode(200);

        // --- and the webhook goes
        api().when().delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
        api().when().delete("/api/v1/webhooks/" + webhookId).then().statusCode(404);

        assertEquals(List.of(), violations, "answers the document does not describe");
        assertEquals(new TreeSet<>(operations.values()), exercised, "operations of the document this flow missed");
    }

    private JsonPath awaitEnd(String statusPath) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api().when().get(statusPath).then().statusCode(200).extract().jsonPath(),
                        task -> FINAL.contains(task.getString("status")));
    }
}
