package com.cataloghooks.security;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.webhook.HostResolver;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With production's target rules (internal addresses refused, one range allowed): webhook URLs that point, or
 * resolve, inside the network are refused at create and update, and again when a request would be sent, test
 * sends included; an allowed target is reached at the very address that was checked. Also production's option to
 * close {@code /q/metrics} and the API document.
 */
@QuarkusTest
@TestProfile(InternalTargetsTest.ProductionRules.class)
@QuarkusTestResource(InfraTestResource.class)
class InternalTargetsTest extends ReceiverTest {

    public static class ProductionRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.webhooks.allow-private-targets", "false",
                    "catalog.webhooks.allowed-cidrs", "127.0.0.2/32",
                    "catalog.security.metrics-access", "authenticated",
                    "catalog.security.api-docs-access", "authenticated");
        }
    }

    /** The spellings of loopback, and the other internal kinds. */
    private static final List<String> INTERNAL = List.of("http://127.0.0.1:%d/a", "http://2130706433:%d/a",
            "http://0x7f.1:%d/a", "http://[::ffff:127.0.0.1]:%d/a", "http://localhost.:%d/a", "http://rebind.test:%d/a",
            "http://169.254.169.254:%d/latest/meta-data/", "http://10.0.0.1:%d/a", "http://100.64.0.1:%d/a",
            "http://[fd00::1]:%d/a", "http://[fe80::1]:%d/a", "http://0.0.0.0:%d/a", "http://255.255.255.255:%d/a",
            "http://224.0.0.1:%d/a");

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void answerForDns() {
        // names Vert.x's own resolver cannot find: a request to them can only have used the checked address
        QuarkusMock.installMockForType(new HostResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return switch (host) {
                    case "pinned.test" -> new InetAddress[]{InetAddress.getByName("127.0.0.2")};
                    case "rebind.test" -> new InetAddress[]{InetAddress.getByName("127.0.0.1")};
                    case "public.test" -> new InetAddress[]{InetAddress.getByName("93.184.215.14")};
                    default -> throw new UnknownHostException(host);
                };
            }
        }, HostResolver.class);
    }

    @Test
    void internalTargetsAreRefusedAtCreateAndUpdate() {
        String existing = api.webhook("https://public.test/hook", List.of("product.created"), Map.of());
        for (String spelling : INTERNAL) {
            String url = String.format(spelling, receiver.port());
            given().contentType(ContentType.JSON).body(obj("url", url, "events", List.of("product.created")))
                    .when().post("/api/v1/webhooks")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("url"))
                    .body("errors[0].message", containsString("webhooks may only reach public addresses"));
            given().contentType(ContentType.JSON).body(obj("url", url))
                    .when().put("/api/v1/webhooks/" + existing)
                    .then().statusCode(400).body("errors[0].field", equalTo("url"));
        }
        given().when().get("/api/v1/webhooks/" + existing).then().body("url", equalTo("https://public.test/hook"));
    }

    @Test
    void aStoredInternalTargetIsRefusedAtSendTimeOnceWithoutRetry() throws Exception {
        // rows written before the rules (or by hand): the API would refuse them
        String hook = path();
        List<String> ids = new ArrayList<>();
        for (String spelling : INTERNAL) {
            ids.add(insertWebhook(String.format(spelling, receiver.port()).replace("/a", hook)));
        }
        try {
            createProduct(uniqueSku(), "");
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> "failed".equals(status(id))));
            for (String id : ids) {
                List<Map<String, Object>> logs = api.logs(id);
                assertEquals(1, logs.size(), "one attempt, no retry, for " + id);
                assertTrue(String.valueOf(logs.get(0).get("error")).startsWith("refused: "), logs.get(0).toString());
                assertEquals(1, attempts(id));
            }
            given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + ids.get(1) + "/test")
                    .then().statusCode(200)
                    .body("success", equalTo(false))
                    .body("error", startsWith("refused: '2130706433' is 127.0.0.1, a loopback address"));
            assertEquals(List.of(), receiver.requests(hook), "nothing reached the receiver");
        } finally {
            for (String id : ids) {
                given().when().delete("/api/v1/webhooks/" + id);
            }
        }
    }

    @Test
    void anAllowedTargetIsReachedAtTheAddressThatWasChecked() {
        try (TestReceiver inCluster = TestReceiver.startOn(InetAddress.getByName("127.0.0.2"))) {
            String hook = path();
            String url = "http://pinned.test:" + inCluster.port() + hook;
            api.webhook(url, List.of("product.created"), Map.of());
            createProduct(uniqueSku(), "");
            await().atMost(Duration.ofSeconds(30)).until(() -> inCluster.requests(hook).size() == 1);
            assertEquals("pinned.test:" + inCluster.port(), inCluster.requests(hook).get(0).header("Host"));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void metricsAndTheApiDocumentCanRequireACredential() {
        given().noFilters().when().get("/q/metrics").then().statusCode(401);
        given().noFilters().when().get("/api/openapi").then().statusCode(401);
        given().noFilters().header("Authorization", TestAuth.BEARER).when().get("/q/metrics").then().statusCode(200);
        given().noFilters().header("Authorization", TestAuth.BEARER).when().get("/api/openapi").then().statusCode(200);
        given().noFilters().when().get("/q/health/ready").then().statusCode(200);
    }

    private String insertWebhook(String url) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhooks (id, url, events, is_active, headers, retry_count, timeout_seconds,
                                           success_count, failure_count, created_at, updated_at)
                     VALUES (?, ?, ARRAY['product.created'], TRUE, '{}'::jsonb, 3, 5, 0, 0,
                             now() - interval '1 minute', now())""")) {
            insert.setObject(1, id);
            insert.setString(2, url);
            insert.executeUpdate();
        }
        return id.toString();
    }

    private String status(String webhookId) {
        return deliveryColumn(webhookId, "status");
    }

    private int attempts(String webhookId) {
        return Integer.parseInt(deliveryColumn(webhookId, "attempts::text"));
    }

    private String deliveryColumn(String webhookId, String column) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT " + column + " FROM webhook_deliveries WHERE webhook_id = ?::uuid")) {
            query.setString(1, webhookId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
