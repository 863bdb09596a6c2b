package com.cataloghooks.product;

import com.cataloghooks.testsupport.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ProductResourceTest {

    private static final String PRODUCTS = "/api/v1/products";

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post(PRODUCTS + "?trigger_webhooks=false")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void createsReadsAndDefaultsAProduct() {
        String sku = unique("WIDGET");
        String id = given().contentType(ContentType.JSON)
                .body(obj("sku", sku, "name", "Premium Widget", "description", "Finest"))
                .when().post(PRODUCTS)
                .then().statusCode(201)
                .body("sku", equalTo(sku))
                .body("name", equalTo("Premium Widget"))
                .body("description", equalTo("Finest"))
                .body("active", equalTo(true))
                .body("created_at", notNullValue())
                .body("updated_at", notNullValue())
                .extract().path("id");
        given().when().get(PRODUCTS + "/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("sku", equalTo(sku)).body("active", equalTo(true));
    }

    @Test
    void answersWithLocationOfTheNewProduct() {
        String location = given().contentType(ContentType.JSON).body(obj("sku", unique("LOC"), "name", "n"))
                .when().post(PRODUCTS).then().statusCode(201).extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        given().when().get(PRODUCTS + "/" + id).then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void skuIsUniqueRegardlessOfCase() {
        String sku = unique("case");
        create(obj("sku", sku, "name", "first"));
        given().contentType(ContentType.JSON).body(obj("sku", sku.toUpperCase(), "name", "second"))
                .when().post(PRODUCTS)
                .then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("errors[0].field", equalTo("sku"))
                .body("detail", containsString("already exists"));
        given().queryParam("sku", sku).when().get(PRODUCTS).then().body("total", equalTo(1));
    }

    @Test
    void updatesOnlyTheFieldsGiven() {
        String sku = unique("UPD");
        String id = create(obj("sku", sku, "name", "before", "description", "keep me"));
        given().contentType(ContentType.JSON).body(obj("name", "after", "active", false))
                .when().put(PRODUCTS + "/" + id)
                .then().statusCode(200)
                .body("name", equalTo("after"))
                .body("active", equalTo(false))
                .body("description", equalTo("keep me"))
                .body("sku", equalTo(sku));
        given().when().get(PRODUCTS + "/" + id).then().body("name", equalTo("after")).body("active", equalTo(false));
    }

    @Test
    void updateToAnotherProductsSkuConflicts() {
        String taken = unique("TAKEN");
        create(obj("sku", taken, "name", "a"));
        String id = create(obj("sku", unique("OTHER"), "name", "b"));
        given().contentType(ContentType.JSON).body(obj("sku", taken.toLowerCase()))
                .when().put(PRODUCTS + "/" + id)
                .then().statusCode(409).body("errors[0].field", equalTo("sku"));
    }

    @Test
    void changingTheCaseOfItsOwnSkuIsAllowed() {
        String sku = unique("own");
        String id = create(obj("sku", sku, "name", "a"));
        given().contentType(ContentType.JSON).body(obj("sku", sku.toUpperCase()))
                .when().put(PRODUCTS + "/" + id)
                .then().statusCode(200).body("sku", equalTo(sku.toUpperCase()));
    }

    @Test
    void deletesAProduct() {
        String id = create(obj("sku", unique("DEL"), "name", "gone soon"));
        given().when().delete(PRODUCTS + "/" + id).then().statusCode(204);
        given().when().get(PRODUCTS + "/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        given().when().delete(PRODUCTS + "/" + id).then().statusCode(404);
    }

    @Test
    void listsWithFiltersAndPages() {
        String tag = unique("list");
        create(obj("sku", tag + "-A", "name", "Red apple", "active", true));
        create(obj("sku", tag + "-B", "name", "Green apple", "active", false));
        create(obj("sku", tag + "-C", "name", "Banana", "description", "yellow 100%", "active", true));

        given().queryParam("q", tag).when().get(PRODUCTS).then().statusCode(200)
                .body("total", equalTo(3)).body("items", hasSize(3))
                .body("limit", equalTo(20)).body("offset", equalTo(0)).body("has_more", equalTo(false))
                .body("items.sku", contains(tag + "-C", tag + "-B", tag + "-A"));
        given().queryParam("q", tag).queryParam("active", "false").when().get(PRODUCTS).then()
                .body("total", equalTo(1)).body("items[0].sku", equalTo(tag + "-B"));
        given().queryParam("q", tag).queryParam("name", "APPLE").when().get(PRODUCTS).then()
                .body("total", equalTo(2));
        given().queryParam("sku", (tag + "-a").toUpperCase()).when().get(PRODUCTS).then()
                .body("total", equalTo(1)).body("items[0].name", equalTo("Red apple"));
        given().queryParam("q", tag).queryParam("limit", 2).queryParam("offset", 0).when().get(PRODUCTS).then()
                .body("items", hasSize(2)).body("has_more", equalTo(true)).body("total", equalTo(3));
        given().queryParam("q", tag).queryParam("limit", 2).queryParam("offset", 2).when().get(PRODUCTS).then()
                .body("items", hasSize(1)).body("has_more", equalTo(false));
    }

    @Test
    void pagesByKeysetCursorSeeTheSameProductsAsByOffset() {
        String tag = unique("keyset");
        for (int i = 0; i < 5; i++) {
            create(obj("sku", tag + "-" + i, "name", "k"));
        }
        java.util.List<String> byOffset = given().queryParam("q", tag).queryParam("limit", 100).when().get(PRODUCTS)
                .then().extract().jsonPath().getList("items.sku");

        java.util.List<String> byCursor = new java.util.ArrayList<>();
        io.restassured.path.json.JsonPath page = given().queryParam("q", tag).queryParam("limit", 2).when()
                .get(PRODUCTS).then().statusCode(200).extract().jsonPath();
        byCursor.addAll(page.getList("items.sku"));
        int pages = 1;
        while (page.getBoolean("has_more")) {
            String cursor = page.getString("next_cursor");
            page = given().queryParam("q", tag).queryParam("limit", 2).queryParam("after", cursor).when()
                    .get(PRODUCTS).then().statusCode(200).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("total")))
                    .extract().jsonPath();
            byCursor.addAll(page.getList("items.sku"));
            pages++;
        }
        org.junit.jupiter.api.Assertions.assertEquals(3, pages);
        org.junit.jupiter.api.Assertions.assertEquals(byOffset, byCursor);
        org.junit.jupiter.api.Assertions.assertNull(page.getString("next_cursor"), "no cursor after the last page");
    }

    @Test
    void refusesForgedCursorsAndCursorWithOffset() {
        given().queryParam("after", "not-a-cursor").when().get(PRODUCTS).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("after"));
        String cursor = given().queryParam("limit", 1).when().get(PRODUCTS).then().extract().path("next_cursor");
        given().queryParam("after", cursor).queryParam("offset", 0).when().get(PRODUCTS).then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
    }

    @Test
    void searchTreatsWildcardsLiterally() {
        String tag = unique("pct");
        create(obj("sku", tag + "-1", "name", "fifty 50% off"));
        create(obj("sku", tag + "-2", "name", "fifty 50 off"));
        given().queryParam("q", tag).queryParam("name", "50%").when().get(PRODUCTS).then()
                .body("total", equalTo(1)).body("items[0].sku", equalTo(tag + "-1"));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"no sku\"}|sku",
            "{\"sku\":\"   \",\"name\":\"blank sku\"}|sku",
            "{\"sku\":\"X-1\"}|name",
            "{\"sku\":\"X-1\",\"name\":\"\"}|name",
            "{\"sku\":\"X-1\",\"name\":\"n\",\"active\":\"yes\"}|active",
            "{\"sku\":\"X-1\",\"name\":\"n\",\"active\":1}|active",
            "{\"sku\":123,\"name\":\"n\"}|sku",
            "{\"sku\":\"X-1\",\"name\":\"n\",\"colour\":\"red\"}|colour",
            "{\"sku\":\"X-1\",\"name\":[\"n\"]}|name",
            "{\"sku\":\"X-1\",\"name\":\"n\"|body",
            "not json at all|body",
            "[]|body",
    })
    void refusesBadCreateBodies(String body, String field) {
        long before = given().queryParam("q", "X-1").when().get(PRODUCTS).then().extract().<Integer>path("total");
        given().contentType(ContentType.JSON).body(body)
                .when().post(PRODUCTS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", notNullValue())
                .body("errors.field", org.hamcrest.Matchers.hasItem(field));
        given().queryParam("q", "X-1").when().get(PRODUCTS).then().body("total", equalTo((int) before));
    }

    @Test
    void refusesOverlongFields() {
        given().contentType(ContentType.JSON).body(obj("sku", "S".repeat(101), "name", "n"))
                .when().post(PRODUCTS).then().statusCode(400).body("errors[0].field", equalTo("sku"));
        given().contentType(ContentType.JSON).body(obj("sku", unique("long"), "name", "n".repeat(256)))
                .when().post(PRODUCTS).then().statusCode(400).body("errors[0].field", equalTo("name"));
    }

    @Test
    void refusesAnEmptyBody() {
        given().contentType(ContentType.JSON).when().post(PRODUCTS)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("body"));
    }

    @Test
    void refusesBlankValuesOnUpdate() {
        String id = create(obj("sku", unique("blank"), "name", "n"));
        given().contentType(ContentType.JSON).body(obj("name", "  "))
                .when().put(PRODUCTS + "/" + id)
                .then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().when().get(PRODUCTS + "/" + id).then().body("name", equalTo("n"));
    }

    @ParameterizedTest(name = "{0}={1} -> 400")
    @CsvSource({"limit,0", "limit,101", "limit,abc", "limit,1.5", "offset,-1", "offset,x", "active,maybe"})
    void refusesBadQueryParameters(String name, String value) {
        given().queryParam(name, value).when().get(PRODUCTS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(name));
    }

    @Test
    void refusesABadOptOutValueWithoutWriting() {
        String sku = unique("optout");
        given().contentType(ContentType.JSON).body(obj("sku", sku, "name", "n"))
                .when().post(PRODUCTS + "?trigger_webhooks=perhaps")
                .then().statusCode(400).body("errors[0].field", equalTo("trigger_webhooks"));
        given().queryParam("sku", sku).when().get(PRODUCTS).then().body("total", equalTo(0));
    }

    @ParameterizedTest
    @CsvSource({"not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", "00000000-0000-0000-0000-000000000000"})
    void unknownOrMalformedIdsAreNotFound(String id) {
        given().when().get(PRODUCTS + "/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("product"));
        given().contentType(ContentType.JSON).body(obj("name", "x")).when().put(PRODUCTS + "/" + id)
                .then().statusCode(404);
        given().when().delete(PRODUCTS + "/" + id).then().statusCode(404);
    }

    @Test
    void wrongContentTypeIsRefused() {
        given().contentType(ContentType.TEXT).body("sku=1").when().post(PRODUCTS)
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
    }

    @Test
    void unknownPathsAndMethodsAnswerProblems() {
        given().when().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        given().when().patch(PRODUCTS).then().statusCode(405).contentType("application/problem+json")
                .body("detail", not(containsString("Exception")));
    }

    @Test
    void descriptionCanBeAbsent() {
        String id = create(obj("sku", unique("nodesc"), "name", "n"));
        given().when().get(PRODUCTS + "/" + id).then().body("description", nullValue());
    }
}
