package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.Signatures.expectedBodySignature;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard Webhooks secrets and their rotation, end to end (product write, outbox, Kafka, dispatcher, real HTTP
 * receiver), each request checked by the official Standard Webhooks library, as an integrator's receiver would.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class SigningSecretsTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;
    private static final List<String> CREATED = List.of("product.created");

    private static ReceivedRequest nextRequest(String path, int already) {
        return await().atMost(PATIENCE).until(() -> receiver.requests(path), r -> r.size() > already).get(already);
    }

    /** What the official library reads: the three Standard Webhooks headers. */
    private static Map<String, List<String>> standardHeaders(ReceivedRequest request) {
        return Map.of("webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature")));
    }

    @Test
    void aGeneratedSecretIsWhsecReturnedOnceAndTheOfficialLibraryVerifiesDeliveries() throws Exception {
        String path = path();
        JsonPath created = api.create(receiver.url(path), CREATED, obj("generate_secret", true));
        String secret = created.getString("secret");
        assertTrue(secret.matches("whsec_[A-Za-z0-9+/]{43}="), secret);
        assertTrue(created.getBoolean("has_secret"));
        given().when().get("/api/v1/webhooks/" + created.getString("id")).then().statusCode(200)
                .body("secret", nullValue()).body("has_secret", equalTo(true));
        given().when().get("/api/v1/webhooks").then().body("items.secret", not(hasItem(secret)));

        createProduct(uniqueSku(), "");
        ReceivedRequest request = nextRequest(path, 0);
        new Webhook(secret).verify(request.bodyAsString(), standardHeaders(request));
        assertEquals(expectedBodySignature(secret, request.body()), request.header("X-Webhook-Signature"));
    }

    @Test
    void aWhsecSecretGivenByTheUserIsUsedDecodedAsTheSpecSays() throws Exception {
        String path = path();
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        api.webhook(receiver.url(path), CREATED, obj("secret", secret));
        createProduct(uniqueSku(), "");
        ReceivedRequest request = nextRequest(path, 0);
        new Webhook(secret).verify(request.bodyAsString(), standardHeaders(request));
        // the old behaviour (the secret's text as the key) is what the issue saw rejected
        assertThrows(WebhookVerificationException.class, () -> new Webhook(
                secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)).verify(request.bodyAsString(),
                standardHeaders(request)));
    }

    @Test
    void malformedWhsecSecretsAndContradictoryRequestsAre400() {
        for (String bad : List.of("whsec_!!!", "whsec_" + "QUJD")) { // not base64; 3 bytes, below the spec's 24
            given().contentType(ContentType.JSON)
                    .body(obj("url", receiver.url(path()), "events", CREATED, "secret", bad))
                    .when().post("/api/v1/webhooks").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("secret"));
        }
        given().contentType(ContentType.JSON)
                .body(obj("url", receiver.url(path()), "events", CREATED, "secret", "abc", "generate_secret", true))
                .when().post("/api/v1/webhooks").then().statusCode(400)
                .body("errors[0].field", equalTo("generate_secret"));
    }

    @Test
    void rotationSignsWithBothSecretsDuringTheGracePeriod() throws Exception {
        String path = path();
        JsonPath created = api.create(receiver.url(path), CREATED, obj("generate_secret", true));
        String id = created.getString("id");
        String old = created.getString("secret");

        JsonPath rotated = given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/webhooks/" + id + "/secret/rotate")
                .then().statusCode(200).extract().jsonPath();
        String fresh = rotated.getString("secret");
        assertTrue(fresh.startsWith("whsec_"));
        assertNotEquals(old, fresh);
        Instant until = Instant.parse(rotated.getString("previous_secret_expires_at"));
        Duration grace = Duration.between(Instant.now(), until);
        assertTrue(grace.compareTo(Duration.ofHours(23)) > 0 && grace.compareTo(Duration.ofHours(25)) < 0, grace.toString());
        given().when().get("/api/v1/webhooks/" + id).then().body("secret", nullValue());

        createProduct(uniqueSku(), "");
        ReceivedRequest request = nextRequest(path, 0);
        String[] signatures = request.header("webhook-signature").split(" ");
        assertEquals(2, signatures.length, request.header("webhook-signature"));
        new Webhook(fresh).verify(request.bodyAsString(), standardHeaders(request));
        new Webhook(old).verify(request.bodyAsString(), standardHeaders(request));
        assertEquals(expectedBodySignature(fresh, request.body()), request.header("X-Webhook-Signature"));

        // a test send signs the same way
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                .then().statusCode(200).body("success", equalTo(true));
        ReceivedRequest test = nextRequest(path, 1);
        new Webhook(old).verify(test.bodyAsString(), standardHeaders(test));
    }

    @Test
    void aRotationWithoutGraceStopsTheOldSecretAtOnce() throws Exception {
        String path = path();
        JsonPath created = api.create(receiver.url(path), CREATED, obj("generate_secret", true));
        String id = created.getString("id");
        String old = created.getString("secret");
        String fresh = given().contentType(ContentType.JSON).body(obj("grace_period_seconds", 0))
                .when().post("/api/v1/webhooks/" + id + "/secret/rotate")
                .then().statusCode(200).body("previous_secret_expires_at", nullValue()).extract().path("secret");

        createProduct(uniqueSku(), "");
        ReceivedRequest request = nextRequest(path, 0);
        assertEquals(1, request.header("webhook-signature").split(" ").length);
        new Webhook(fresh).verify(request.bodyAsString(), standardHeaders(request));
        assertThrows(WebhookVerificationException.class,
                () -> new Webhook(old).verify(request.bodyAsString(), standardHeaders(request)));
        // and it is not kept either (a rotation without grace is what follows a leak)
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT previous_secret IS NULL AND secret IS NOT NULL FROM webhooks WHERE id = ?::uuid")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next() && rs.getBoolean(1));
            }
        }

        given().contentType(ContentType.JSON).body(obj("grace_period_seconds", -1))
                .when().post("/api/v1/webhooks/" + id + "/secret/rotate").then().statusCode(400)
                .body("errors[0].field", equalTo("grace_period_seconds"));
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/webhooks/" + java.util.UUID.randomUUID() + "/secret/rotate")
                .then().statusCode(404);
    }

    @Test
    void settingASecretByPutEndsAGracePeriod() {
        String path = path();
        JsonPath created = api.create(receiver.url(path), CREATED, obj("generate_secret", true));
        String id = created.getString("id");
        given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/secret/rotate")
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(obj("secret", "plain-secret")).when().put("/api/v1/webhooks/" + id)
                .then().statusCode(200).body("previous_secret_expires_at", nullValue());
        assertNull(api.get(id).getString("previous_secret_expires_at"));
    }
}
