package com.cataloghooks.testsupport;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;

/** Creates webhooks and products through the public API for delivery tests, and removes the webhooks afterwards. */
public final class WebhookApi {

    private final List<String> created = new ArrayList<>();

    /** Creates a webhook; {@code extra} may override or add any field. */
    public String webhook(String url, List<String> events, Map<String, Object> extra) {
        Map<String, Object> body = obj("url", url, "events", events);
        body.putAll(extra);
        String id = given().contentType(ContentType.JSON).body(body).when().post("/api/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        created.add(id);
        return id;
    }

    /** Creates a webhook and answers the whole response (e.g. a generated secret, shown only there). */
    public JsonPath create(String url, List<String> events, Map<String, Object> extra) {
        Map<String, Object> body = obj("url", url, "events", events);
        body.putAll(extra);
        JsonPath created = given().contentType(ContentType.JSON).body(body).when().post("/api/v1/webhooks")
                .then().statusCode(201).extract().jsonPath();
        this.created.add(created.getString("id"));
        return created;
    }

    /** The webhook's deliveries, newest first (one page of up to 100). */
    public List<Map<String, Object>> deliveries(String webhookId) {
        return given().queryParam("limit", 100).when().get("/api/v1/webhooks/" + webhookId + "/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    public JsonPath get(String webhookId) {
        return given().when().get("/api/v1/webhooks/" + webhookId).then().statusCode(200).extract().jsonPath();
    }

    public List<Map<String, Object>> logs(String webhookId) {
        return given().queryParam("limit", 100).when().get("/api/v1/webhooks/" + webhookId + "/logs")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** Deletes every webhook this instance created, so other tests' events never reach this test's receivers. */
    public void deleteAll() {
        for (String id : created) {
            given().when().delete("/api/v1/webhooks/" + id);
        }
        created.clear();
    }

    public static String createProduct(String sku, String query) {
        return given().contentType(ContentType.JSON).body(obj("sku", sku, "name", "Product " + sku, "description", "d"))
                .when().post("/api/v1/products" + query).then().statusCode(201).extract().path("id");
    }

    public static String uniqueSku() {
        return "SKU-" + UUID.randomUUID();
    }
}
