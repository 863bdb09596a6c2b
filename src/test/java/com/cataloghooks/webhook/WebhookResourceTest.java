package com.cataloghooks.webhook;

import com.cataloghooks.testsupport.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class WebhookResourceTest {

    private static final String WEBHOOKS = "/api/v1/webhooks";

    private static Map<String, Object> valid() {
        return obj("url", "http://127.0.0.1:9/hook-" + UUID.randomUUID(),
                "events", List.of("product.created", "product.updated"));
    }

    private static String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post(WEBHOOKS)
                .then().statusCode(201).extract().path("id");
    }

    private static long count() {
        return given().when().get(WEBHOOKS).then().extract().<Number>path("total").longValue();
    }

    @Test
    void createsWithTheSeedsDefaultsAndNeverReturnsTheSecret() {
        Map<String, Object> body = valid();
        body.put("secret", "my-secret-key");
        body.put("description", "Product updates webhook");
        body.put("headers", Map.of("X-API-Key", "abc123"));
        String id = given().contentType(ContentType.JSON).body(body).when().post(WEBHOOKS)
                .then().statusCode(201)
                .header("Location", containsString(WEBHOOKS + "/"))
                .body("url", equalTo(body.get("url")))
                .body("events", containsInAnyOrder("product.created", "product.updated"))
                .body("is_active", equalTo(true))
                .body("has_secret", equalTo(true))
                .body("$", not(hasKey("secret")))
                .body("description", equalTo("Product updates webhook"))
                .body("headers.X-API-Key", equalTo("********"))
                .body("retry_count", equalTo(3))
                .body("timeout_seconds", equalTo(30))
                .body("success_count", equalTo(0))
                .body("failure_count", equalTo(0))
                .body("last_triggered_at", nullValue())
                .body("last_error", nullValue())
                .body("created_at", notNullValue())
                .body("updated_at", notNullValue())
                .extract().path("id");
        given().when().get(WEBHOOKS + "/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("has_secret", equalTo(true)).body("$", not(hasKey("secret")));
    }

    @Test
    void updatesPartiallyAndCanRemoveTheSecret() {
        Map<String, Object> body = valid();
        body.put("secret", "s1");
        body.put("description", "before");
        String id = create(body);
        given().contentType(ContentType.JSON).body(obj("is_active", false, "description", "Temporarily disabled"))
                .when().put(WEBHOOKS + "/" + id)
                .then().statusCode(200)
                .body("is_active", equalTo(false))
                .body("description", equalTo("Temporarily disabled"))
                .body("url", equalTo(body.get("url")))
                .body("has_secret", equalTo(true))
                .body("retry_count", equalTo(3));
        given().contentType(ContentType.JSON).body(obj("secret", "", "retry_count", 0, "timeout_seconds", 300,
                        "events", List.of("import.failed", "import.failed")))
                .when().put(WEBHOOKS + "/" + id)
                .then().statusCode(200)
                .body("has_secret", equalTo(false))
                .body("retry_count", equalTo(0))
                .body("timeout_seconds", equalTo(300))
                .body("events", equalTo(List.of("import.failed")));
    }

    @Test
    void deletes() {
        String id = create(valid());
        given().when().delete(WEBHOOKS + "/" + id).then().statusCode(204);
        given().when().get(WEBHOOKS + "/" + id).then().statusCode(404).contentType("application/problem+json");
        given().when().delete(WEBHOOKS + "/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void listsPagesAndFiltersByActive() {
        String active = create(valid());
        Map<String, Object> inactiveBody = valid();
        inactiveBody.put("is_active", false);
        String inactive = create(inactiveBody);

        given().queryParam("limit", 100).when().get(WEBHOOKS).then().statusCode(200)
                .body("items.id", hasItem(active)).body("items.id", hasItem(inactive))
                .body("limit", equalTo(100)).body("offset", equalTo(0))
                .body("has_more", notNullValue()).body("total", notNullValue());
        given().queryParam("is_active", "false").queryParam("limit", 100).when().get(WEBHOOKS).then()
                .body("items.is_active", everyItem(equalTo(false))).body("items.id", hasItem(inactive))
                .body("items.id", not(hasItem(active)));
        given().queryParam("is_active", "true").queryParam("limit", 100).when().get(WEBHOOKS).then()
                .body("items.is_active", everyItem(equalTo(true))).body("items.id", hasItem(active));
        long total = count();
        given().queryParam("limit", 1).when().get(WEBHOOKS).then()
                .body("items", hasSize(1)).body("limit", equalTo(1)).body("has_more", equalTo(total > 1));
        given().queryParam("limit", 1).queryParam("offset", total).when().get(WEBHOOKS).then()
                .body("items", hasSize(0)).body("has_more", equalTo(false));
    }

    @Test
    void listsTheEventCatalogWithExamples() {
        given().when().get(WEBHOOKS + "/events").then().statusCode(200)
                .body("$", hasSize(6))
                .body("event", containsInAnyOrder("product.created", "product.updated", "product.deleted",
                        "import.started", "import.completed", "import.failed"))
                .body("description", everyItem(notNullValue()))
                .body("find { it.event == 'product.created' }.example_payload.keySet()",
                        containsInAnyOrder("id", "sku", "name", "description", "active", "created_at"))
                .body("find { it.event == 'product.deleted' }.example_payload.keySet()",
                        containsInAnyOrder("id", "sku", "name"))
                .body("find { it.event == 'import.completed' }.example_payload.keySet()",
                        containsInAnyOrder("task_id", "created", "updated", "errors"));
    }

    static Stream<Arguments> invalidCreates() {
        return Stream.of(
                Arguments.of(obj("events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "ftp://example.com/x", "events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "example.com/hook", "events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "http://", "events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "https://exa mple.com", "events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "https://example.com/" + "a".repeat(481), "events", List.of("product.created")), "url"),
                Arguments.of(obj("url", "https://example.com"), "events"),
                Arguments.of(obj("url", "https://example.com", "events", List.of()), "events"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.exploded")), "events[0]"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created", "nope")), "events[1]"),
                Arguments.of(obj("url", "https://example.com", "events", "product.created"), "events"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "retry_count", -1), "retry_count"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "retry_count", 11), "retry_count"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "retry_count", "3"), "retry_count"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "timeout_seconds", 0), "timeout_seconds"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "timeout_seconds", 301), "timeout_seconds"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "timeout_seconds", 2.5), "timeout_seconds"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "is_active", "yes"), "is_active"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "secret", "s".repeat(256)), "secret"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "headers", Map.of("Host", "evil")), "headers.Host"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "headers", Map.of("X-Webhook-Signature", "sha256=forged")), "headers.X-Webhook-Signature"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "headers", Map.of("X-Ok", "a\r\nX-Injected: 1")), "headers.X-Ok"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "headers", Map.of("Bad Name", "v")), "headers"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "headers", List.of("X-A")), "headers"),
                Arguments.of(obj("url", "https://example.com", "events", List.of("product.created"), "unknown_field", 1), "unknown_field"));
    }

    @ParameterizedTest(name = "[{index}] 400 naming {1}")
    @MethodSource("invalidCreates")
    void refusesInvalidWebhooksAndWritesNothing(Map<String, Object> body, String field) {
        long before = count();
        given().contentType(ContentType.JSON).body(body).when().post(WEBHOOKS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        org.junit.jupiter.api.Assertions.assertEquals(before, count());
    }

    @ParameterizedTest(name = "[{index}] update 400 naming {1}")
    @MethodSource("invalidUpdates")
    void refusesInvalidUpdatesAndChangesNothing(Map<String, Object> body, String field) {
        Map<String, Object> original = valid();
        String id = create(original);
        given().contentType(ContentType.JSON).body(body).when().put(WEBHOOKS + "/" + id)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field));
        given().when().get(WEBHOOKS + "/" + id).then()
                .body("url", equalTo(original.get("url"))).body("retry_count", equalTo(3))
                .body("timeout_seconds", equalTo(30)).body("events", hasSize(2));
    }

    static Stream<Arguments> invalidUpdates() {
        return Stream.of(
                Arguments.of(obj("url", "mailto:a@b.c"), "url"),
                Arguments.of(obj("events", List.of()), "events"),
                Arguments.of(obj("events", List.of("x.y")), "events[0]"),
                Arguments.of(obj("retry_count", 11, "url", "https://fine.example.com"), "retry_count"),
                Arguments.of(obj("timeout_seconds", 0), "timeout_seconds"),
                Arguments.of(obj("headers", Map.of("Content-Length", "0")), "headers.Content-Length"));
    }

    @Test
    void malformedJsonIsABadRequest() {
        given().contentType(ContentType.JSON).body("{\"url\": \"https://example.com\", \"events\": [").when().post(WEBHOOKS)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("body"));
    }

    @Test
    void badQueryParametersAreBadRequests() {
        given().queryParam("limit", "0").when().get(WEBHOOKS).then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("limit", "101").when().get(WEBHOOKS).then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("limit", "ten").when().get(WEBHOOKS).then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().queryParam("offset", "-1").when().get(WEBHOOKS).then().statusCode(400).body("errors[0].field", equalTo("offset"));
        given().queryParam("is_active", "sometimes").when().get(WEBHOOKS).then().statusCode(400)
                .body("errors[0].field", equalTo("is_active"));
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        for (String id : List.of(UUID.randomUUID().toString(), "xyz")) {
            given().when().get(WEBHOOKS + "/" + id).then().statusCode(404).contentType("application/problem+json");
            given().contentType(ContentType.JSON).body(obj("is_active", false)).when().put(WEBHOOKS + "/" + id)
                    .then().statusCode(404);
            given().when().delete(WEBHOOKS + "/" + id).then().statusCode(404);
            given().when().get(WEBHOOKS + "/" + id + "/logs").then().statusCode(404);
            given().contentType(ContentType.JSON).body("{}").when().post(WEBHOOKS + "/" + id + "/test")
                    .then().statusCode(404).contentType("application/problem+json");
        }
    }
}
