package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payload filters decide, before a delivery is planned, which events a webhook gets: real events, real receiver. */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class PayloadFilterDeliveryTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<String> PRODUCT_EVENTS = List.of("product.created", "product.updated", "product.deleted");

    @Test
    void onlyEventsWhoseDataPassesTheFilterArePlanned() {
        String filtered = path();
        String witness = path();
        String wanted = uniqueSku();
        String other = uniqueSku();
        String webhookId = api.webhook(receiver.url(filtered), PRODUCT_EVENTS, obj("filter",
                obj("$or", List.of(obj("sku", obj("$in", List.of(wanted))), obj("name", "Renamed")),
                        "active", obj("$ne", false))));
        api.webhook(receiver.url(witness), PRODUCT_EVENTS, Map.of());
        assertEquals(Map.of("$or", List.of(Map.of("sku", Map.of("$in", List.of(wanted))), Map.of("name", "Renamed")),
                "active", Map.of("$ne", false)), api.get(webhookId).getMap("filter"));

        createProduct(wanted, "");
        String otherId = createProduct(other, "");
        given().contentType(ContentType.JSON).body(obj("name", "Renamed")).when().put("/api/v1/products/" + otherId)
                .then().statusCode(200); // passes through $or's second branch
        given().contentType(ContentType.JSON).body(obj("name", "Renamed", "active", false))
                .when().put("/api/v1/products/" + otherId).then().statusCode(200); // fails active $ne false
        await().atMost(PATIENCE).until(() -> receiver.requests(witness).size() == 4);
        await().atMost(PATIENCE).until(() -> receiver.requests(filtered).size() == 2);
        List<Map<String, Object>> deliveries = api.deliveries(webhookId);
        assertEquals(2, deliveries.size(), "filtered-out events are not planned at all");
        assertTrue(receiver.requests(filtered).get(0).bodyAsString().contains(wanted));
        assertTrue(receiver.requests(filtered).get(1).bodyAsString().contains("\"name\":\"Renamed\""));

        // {} removes the filter: everything flows again
        given().contentType(ContentType.JSON).body(obj("filter", Map.of())).when().put("/api/v1/webhooks/" + webhookId)
                .then().statusCode(200).body("filter", nullValue());
        given().when().delete("/api/v1/products/" + otherId).then().statusCode(204);
        await().atMost(PATIENCE).until(() -> receiver.requests(filtered).size() == 3);
    }

    @Test
    void anInvalidFilterIs400NamingWhereItIsWrongAndNothingIsStored() {
        String url = receiver.url(path());
        Map<String, Object> bad = Map.of(
                "filter.sku.$regex", obj("sku", obj("$regex", "^A")),
                "filter.price.$gt", obj("price", obj("$gt", List.of(1))),
                "filter.$or", obj("$or", List.of()),
                "filter", List.of(1, 2));
        bad.forEach((field, filter) -> given().contentType(ContentType.JSON)
                .body(obj("url", url, "events", PRODUCT_EVENTS, "filter", filter))
                .when().post("/api/v1/webhooks").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field)));
        given().queryParam("limit", 100).when().get("/api/v1/webhooks").then()
                .body("items.findAll { it.url == '" + url + "' }.size()", equalTo(0));

        String webhookId = api.webhook(url, PRODUCT_EVENTS, obj("filter", obj("active", true)));
        given().contentType(ContentType.JSON).body(obj("filter", obj("a", obj("$in", "x"))))
                .when().put("/api/v1/webhooks/" + webhookId).then().statusCode(400)
                .body("errors[0].field", equalTo("filter.a.$in"));
        assertEquals(Map.of("active", true), api.get(webhookId).getMap("filter"), "a refused update changes nothing");
    }
}
