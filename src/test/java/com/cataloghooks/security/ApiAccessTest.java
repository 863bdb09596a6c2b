package com.cataloghooks.security;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.LogCapture;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.WebhookApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may call what: every {@code /api/v1} operation of the OpenAPI document refuses a request without a
 * credential, each role opens exactly its part, API keys and JWTs both work, and refusals are counted and logged
 * without the credential.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ApiAccessTest {

    private static final String ISSUER = "https://issuer.test.catalog-hooks";

    /**
     * Every operation of the published API document under /api/v1 (read when the test runs, so a new endpoint is
     * covered without being listed here): refused without a credential, and declaring the bearer scheme.
     */
    @TestFactory
    Stream<DynamicTest> everyApiOperationNeedsACredential() {
        JsonPath doc = given().noFilters().queryParam("format", "json").when().get("/api/openapi")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("http", doc.getString("components.securitySchemes.bearer.type"));
        assertEquals("bearer", doc.getString("components.securitySchemes.bearer.scheme"));
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<DynamicTest> tests = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (!path.startsWith("/api/v1/")) {
                return;
            }
            for (String method : methods.keySet()) {
                if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                    tests.add(DynamicTest.dynamicTest(method.toUpperCase() + " " + path,
                            () -> refusedWithoutCredential(doc, method, path)));
                }
            }
        });
        assertTrue(tests.size() >= 20, "the API document lists " + tests.size() + " operations");
        return tests.stream();
    }

    private static void refusedWithoutCredential(JsonPath doc, String method, String path) {
        List<Map<String, Object>> security = doc.getList("paths.'" + path + "'." + method + ".security");
        assertEquals(1, security == null ? 0 : security.size(), "the operation declares one security requirement");
        assertEquals(Set.of("bearer"), security.get(0).keySet(), "the operation declares the bearer scheme");
        // OpenAPI 3.0 (the document's version since issue 18) allows no scopes on a bearer requirement: the roles
        // an operation allows are in its 403 and in the README, no longer here
        assertEquals(List.of(), security.get(0).get("bearer"), "a 3.0 bearer requirement names no scopes");
        String concrete = path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        given().noFilters().contentType(ContentType.JSON).body("{}")
                .when().request(method.toUpperCase(), concrete)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401));
    }

    /**
     * Without a credential nothing is told about the route: not whether it produces the Accept asked for, consumes
     * the Content-Type sent, knows the method or exists at all. With a credential the same request meets the route's
     * own answer, so the 401 really came first.
     */
    @ParameterizedTest(name = "{0} {1}, Content-Type {2}, Accept {3}: 401 without a credential, {4} with one")
    @CsvSource({
            "GET,    /api/v1/products,                 ,                 text/csv,         406",
            "GET,    /api/v1/webhooks,                 ,                 application/xml,  406",
            "POST,   /api/v1/products,                 text/plain,       application/json, 415",
            "POST,   /api/v1/webhooks,                 application/xml,  application/json, 415",
            "PATCH,  /api/v1/products,                 application/json, application/json, 405",
            "GET,    /api/v1/no-such-resource,         ,                 application/json, 404",
    })
    void withoutACredentialTheAnswerIs401WhateverTheRequestAsksFor(String method, String path, String contentType,
                                                                    String accept, int withCredential) {
        RequestSpecification anonymous = given().noFilters().accept(accept);
        RequestSpecification authenticated = bearer(TestAuth.DEV_KEY).accept(accept);
        if (contentType != null) {
            anonymous.contentType(contentType).body("x");
            authenticated.contentType(contentType).body("x");
        }
        double refusedBefore = failures("no-credential");
        anonymous.when().request(method, path)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("/problems/unauthorized"))
                .body("detail", containsString("Authorization: Bearer"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> failures("no-credential") >= refusedBefore + 1);
        assertEquals(refusedBefore + 1, failures("no-credential"), "the refusal is counted once");
        authenticated.when().request(method, path)
                .then().statusCode(withCredential)
                .contentType("application/problem+json")
                .body("status", equalTo(withCredential));
    }

    /** Health, metrics and the API document stay open without a credential (their defaults). */
    @ParameterizedTest
    @ValueSource(strings = {"/q/health/live", "/q/health/ready", "/q/metrics", "/api/openapi", "/api/docs/"})
    void operationalEndpointsNeedNoCredential(String path) {
        String body = given().noFilters().when().get(path).then().statusCode(200).extract().asString();
        assertFalse(body.isBlank(), path + " answered an empty body");
    }

    @Test
    void anUnknownKeyIsRefusedAsAnInvalidToken() {
        given().noFilters().header("Authorization", "Bearer chk_not_a_configured_key")
                .when().get("/api/v1/products")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("invalid_token"));
    }

    @Test
    void eachRoleOpensItsPartOnly() {
        // catalog-reader: every GET except deliveries and attempt logs (see below), nothing else
        as(TestAuth.READER_KEY).when().get("/api/v1/products").then().statusCode(200);
        as(TestAuth.READER_KEY).when().get("/api/v1/webhooks").then().statusCode(200);
        forbidden(as(TestAuth.READER_KEY).body(product()).when().post("/api/v1/products"));
        forbidden(as(TestAuth.READER_KEY).body(webhook()).when().post("/api/v1/webhooks"));

        // catalog-writer: product writes, imports and bulk delete; no reads, no webhooks
        String productId = as(TestAuth.WRITER_KEY).body(product()).when().post("/api/v1/products")
                .then().statusCode(201).extract().path("id");
        as(TestAuth.WRITER_KEY).body(obj("name", "renamed")).when().put("/api/v1/products/" + productId)
                .then().statusCode(200);
        forbidden(as(TestAuth.WRITER_KEY).when().get("/api/v1/products/" + productId));
        forbidden(as(TestAuth.WRITER_KEY).body(webhook()).when().post("/api/v1/webhooks"));

        // webhook-admin: webhooks, their tests, deliveries and logs; no product writes
        String webhookId = as(TestAuth.WEBHOOK_ADMIN_KEY).body(webhook()).when().post("/api/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        as(TestAuth.WEBHOOK_ADMIN_KEY).when().get("/api/v1/webhooks/" + webhookId + "/logs").then().statusCode(200);
        forbidden(as(TestAuth.WEBHOOK_ADMIN_KEY).body(product()).when().post("/api/v1/products"));
        forbidden(as(TestAuth.WEBHOOK_ADMIN_KEY).queryParam("confirm", true).when().delete("/api/v1/products"));
        forbidden(as(TestAuth.READER_KEY).body("{}").when().post("/api/v1/webhooks/" + webhookId + "/test"));
        forbidden(as(TestAuth.WRITER_KEY).when().delete("/api/v1/webhooks/" + webhookId));
        // deliveries (they carry payloads), replays and secret rotation: webhook-admin only
        String deliveries = "/api/v1/webhooks/" + webhookId + "/deliveries";
        as(TestAuth.WEBHOOK_ADMIN_KEY).when().get(deliveries).then().statusCode(200);
        forbidden(as(TestAuth.READER_KEY).when().get(deliveries));
        forbidden(as(TestAuth.WRITER_KEY).when().get(deliveries));
        String rotate = "/api/v1/webhooks/" + webhookId + "/secret/rotate";
        forbidden(as(TestAuth.READER_KEY).body("{}").when().post(rotate));
        forbidden(as(TestAuth.WRITER_KEY).body("{}").when().post(rotate));
        as(TestAuth.WEBHOOK_ADMIN_KEY).body("{}").when().post(rotate).then().statusCode(200);
        forbidden(as(TestAuth.WRITER_KEY).body(obj("since", "2026-01-01T00:00:00Z"))
                .when().post("/api/v1/webhooks/" + webhookId + "/replay"));
        as(TestAuth.WEBHOOK_ADMIN_KEY).when().delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
        as(TestAuth.WRITER_KEY).when().delete("/api/v1/products/" + productId).then().statusCode(204);
    }

    /**
     * Attempt logs carry what deliveries carry (the bodies sent and the receivers' answers): whoever may not read a
     * webhook's deliveries may not read them through its logs either.
     */
    @Test
    void attemptLogsAreReadOnlyByWhoeverReadsDeliveries() {
        String webhookId = as(TestAuth.WEBHOOK_ADMIN_KEY).body(webhook()).when().post("/api/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        String marker = "payload-" + UUID.randomUUID();
        // a test send to a closed port: a failed attempt, logged with the body it tried to send
        as(TestAuth.WEBHOOK_ADMIN_KEY).body(obj("payload", obj("marker", marker)))
                .when().post("/api/v1/webhooks/" + webhookId + "/test")
                .then().statusCode(200).body("success", equalTo(false));
        String logs = "/api/v1/webhooks/" + webhookId + "/logs";
        String deliveries = "/api/v1/webhooks/" + webhookId + "/deliveries";
        try {
            as(TestAuth.WEBHOOK_ADMIN_KEY).when().get(logs).then().statusCode(200)
                    .body("items.size()", equalTo(1))
                    .body("items[0].test", equalTo(true))
                    .body("items[0].payload.data.marker", equalTo(marker));
            as(TestAuth.WEBHOOK_ADMIN_KEY).when().get(deliveries).then().statusCode(200);
            for (String key : List.of(TestAuth.READER_KEY, TestAuth.WRITER_KEY)) {
                for (String path : List.of(logs, deliveries)) {
                    Response refused = as(key).when().get(path);
                    forbidden(refused);
                    assertFalse(refused.asString().contains(marker), path + " leaked the payload: " + refused.asString());
                }
            }
            // the webhook itself (with its counters) stays readable by a reader
            as(TestAuth.READER_KEY).when().get("/api/v1/webhooks/" + webhookId).then().statusCode(200)
                    .body("id", equalTo(webhookId));
        } finally {
            as(TestAuth.WEBHOOK_ADMIN_KEY).when().delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
        }
    }

    @Test
    void aJwtFromTheConfiguredIssuerGetsTheRolesOfItsGroups() throws Exception {
        String reader = jwt(ISSUER, Set.of(Roles.READER), 300);
        bearer(reader).when().get("/api/v1/products").then().statusCode(200);
        forbidden(bearer(reader).body(product()).when().post("/api/v1/products"));

        String writer = jwt(ISSUER, Set.of(Roles.WRITER), 300);
        String id = bearer(writer).body(product()).when().post("/api/v1/products").then().statusCode(201)
                .extract().path("id");
        bearer(writer).when().delete("/api/v1/products/" + id).then().statusCode(204);
    }

    @Test
    void aJwtFromAnotherIssuerOrExpiredIsRefused() throws Exception {
        bearer(jwt("https://someone-else.example", Set.of(Roles.READER), 300)).when().get("/api/v1/products")
                .then().statusCode(401).contentType("application/problem+json");
        bearer(jwt(ISSUER, Set.of(Roles.READER), -120)).when().get("/api/v1/products")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void refusalsAreCountedAndLoggedWithoutTheCredential() {
        double before = failures("bad-credential");
        String wrongKey = "chk_wrong_" + UUID.randomUUID();
        try (LogCapture log = LogCapture.install()) {
            for (int i = 0; i < 5; i++) {
                given().noFilters().header("Authorization", "Bearer " + wrongKey).when().get("/api/v1/products")
                        .then().statusCode(401);
            }
            as(TestAuth.WRITER_KEY).body(product()).when().post("/api/v1/products").then().statusCode(201);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> failures("bad-credential") >= before + 5);
            String lines = log.all();
            assertFalse(lines.contains(wrongKey), "a refused key is never logged");
            assertFalse(lines.contains(TestAuth.WRITER_KEY), "an accepted key is never logged");
            assertTrue(lines.contains("POST /api/v1/products -> 201 by 'test-writer'"),
                    "the audit line names the key: " + lines);
        }
        // the log is rate-limited: at most one refusal line per interval (10 s), however many were refused, and no
        // audit line per refused request
        try (LogCapture log = LogCapture.install()) {
            for (int i = 0; i < 20; i++) {
                given().noFilters().contentType(ContentType.JSON).body(product()).when().post("/api/v1/products")
                        .then().statusCode(401);
            }
            long refusalLines = log.lines().stream().filter(l -> l.contains(AuthFailures.class.getName())).count();
            assertTrue(refusalLines <= 1, refusalLines + " refusal lines for 20 refusals");
            assertEquals(List.of(), log.lines().stream().filter(l -> l.contains(AuditLog.class.getName())).toList());
        }
    }

    private static double failures(String reason) {
        String metrics = given().noFilters().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("catalog_auth_failures_total{") && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void forbidden(Response response) {
        response.then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
    }

    private static RequestSpecification as(String key) {
        return bearer(key);
    }

    private static RequestSpecification bearer(String credential) {
        return given().noFilters().header("Authorization", "Bearer " + credential).contentType(ContentType.JSON);
    }

    private static Map<String, Object> product() {
        return obj("sku", WebhookApi.uniqueSku(), "name", "Access", "description", "d");
    }

    private static Map<String, Object> webhook() {
        return obj("url", "http://127.0.0.1:9/hook", "events", List.of("product.created"));
    }

    private static String jwt(String issuer, Set<String> groups, long expiresInSeconds) throws Exception {
        PrivateKey key = KeyUtils.readPrivateKey("jwt/private-key.pem");
        long now = System.currentTimeMillis() / 1000;
        return Jwt.issuer(issuer).upn("alice@example.com").groups(groups)
                .issuedAt(now - 600).expiresAt(now + expiresInSeconds).sign(key);
    }
}
