package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.webhook.FailingWebhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receivers that go bad, through the real pipeline: 410 Gone deactivates, a failing streak of days deactivates,
 * and a receiver that keeps failing opens its webhook's circuit breaker, which holds deliveries until a probe
 * succeeds. A small breaker (4 attempts, 3 s) keeps the test short; the defaults are 10 and 60 s.
 */
@QuarkusTest
@TestProfile(FailingReceiversTest.SmallBreaker.class)
@QuarkusTestResource(InfraTestResource.class)
class FailingReceiversTest extends ReceiverTest {

    public static class SmallBreaker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.webhooks.breaker.request-volume", "4",
                    "catalog.webhooks.breaker.delay", "3s");
        }
    }

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final List<String> PRODUCT_EVENTS = List.of("product.created", "product.updated", "product.deleted");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    FailingWebhooks failingWebhooks;

    @Test
    void gone410DeactivatesTheWebhookWithAReasonAndLaterEventsAreNotQueued() {
        String path = path();
        String witness = path();
        receiver.respondAlways(path, 410, "unsubscribed");
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, obj("retry_count", 5));
        api.webhook(receiver.url(witness), PRODUCT_EVENTS, Map.of());
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> !api.get(webhookId).getBoolean("is_active"));
        JsonPath gone = api.get(webhookId);
        assertTrue(gone.getString("disabled_reason").contains("410 Gone"), gone.getString("disabled_reason"));
        assertNotNull(gone.getString("disabled_at"));
        assertEquals(1, receiver.requests(path).size(), "410 is not retried");

        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(witness).size() == 2);
        assertEquals(1, api.deliveries(webhookId).size(), "no delivery is queued for an inactive webhook");

        given().contentType(ContentType.JSON).body(obj("is_active", true)).when().put("/api/v1/webhooks/" + webhookId)
                .then().statusCode(200).body("disabled_reason", nullValue()).body("disabled_at", nullValue());
    }

    @Test
    void aWebhookFailingForLongerThanThePeriodIsDeactivated() throws Exception {
        String failing = path();
        String recovering = path();
        receiver.respondAlways(failing, 500, "down");
        receiver.respond(recovering).with(500, "down once");
        String failingId = api.webhook(receiver.url(failing), PRODUCT_EVENTS, obj("retry_count", 0));
        String recoveringId = api.webhook(receiver.url(recovering), PRODUCT_EVENTS, obj("retry_count", 0));
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> api.get(failingId).getString("failing_since") != null
                && api.get(recoveringId).getString("failing_since") != null);
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> api.get(recoveringId).getString("failing_since") == null);
        assertNotNull(api.get(failingId).getString("failing_since"), "only a success ends a failing streak");

        // a streak shorter than 3 days is left alone
        failingWebhooks.disableFailing();
        assertTrue(api.get(failingId).getBoolean("is_active"));

        // a streak begun 4 days ago whose only failure was then (nothing to deliver since) is left alone too
        sql("UPDATE webhook_health SET failing_since = now() - interval '4 days', last_triggered_at = now() - interval"
                + " '4 days' WHERE webhook_id = ?::uuid", failingId);
        failingWebhooks.disableFailing();
        assertTrue(api.get(failingId).getBoolean("is_active"));

        // failures all along: begun 4 days ago, failing still (the database clock is the only one the rule reads)
        sql("UPDATE webhook_health SET failing_since = now() - interval '4 days', last_triggered_at = now()"
                + " WHERE webhook_id = ?::uuid", failingId);
        assertTrue(failingWebhooks.disableFailing() >= 1);
        JsonPath disabled = api.get(failingId);
        assertFalse(disabled.getBoolean("is_active"));
        assertTrue(disabled.getString("disabled_reason").startsWith("every delivery has failed since"),
                disabled.getString("disabled_reason"));
        assertTrue(api.get(recoveringId).getBoolean("is_active"));

        // activating it again ends the streak, so the next sweep does not take it straight back
        given().contentType(ContentType.JSON).body(obj("is_active", true)).when().put("/api/v1/webhooks/" + failingId)
                .then().statusCode(200).body("failing_since", nullValue()).body("disabled_reason", nullValue());
        failingWebhooks.disableFailing();
        assertTrue(api.get(failingId).getBoolean("is_active"));
    }

    private void sql(String statement, String webhookId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(statement)) {
            update.setString(1, webhookId);
            assertEquals(1, update.executeUpdate());
        }
    }

    @Test
    void aKeepsFailingReceiverOpensItsBreakerWhichHoldsDeliveriesUntilAProbeSucceeds() {
        String path = path();
        String healthy = path();
        receiver.respondAlways(path, 500, "down");
        // ordered: one request at a time, so the attempts before the breaker opens are exactly its volume
        String webhookId = api.webhook(receiver.url(path), PRODUCT_EVENTS, obj("retry_count", 10, "ordered", true));
        String healthyId = api.webhook(receiver.url(healthy), PRODUCT_EVENTS, Map.of());
        for (int i = 0; i < 3; i++) {
            createProduct(uniqueSku(), "");
        }
        await().atMost(PATIENCE).until(() -> "open".equals(api.get(webhookId).getString("breaker_state")));
        // checked at once: the probe goes 3 s after the breaker opened
        assertNotNull(api.get(webhookId).getString("breaker_open_until"));
        // held, not burnt: 4 requests reached the receiver, and the delivery counts 4 attempts, not more
        assertEquals(4, receiver.requests(path).size());
        Map<String, Object> head = api.deliveries(webhookId).stream()
                .filter(d -> ((Number) d.get("attempts")).intValue() > 0).findFirst().orElseThrow();
        assertEquals(4, head.get("attempts"));

        receiver.respondAlways(path, 200, "back");
        // one breaker per webhook: the other webhook's receiver got everything
        await().atMost(PATIENCE).until(() -> receiver.requests(healthy).size() == 3);
        assertEquals("closed", api.get(healthyId).getString("breaker_state"));
        await().atMost(PATIENCE).until(() -> api.deliveries(webhookId).stream()
                .allMatch(d -> "succeeded".equals(d.get("status"))) && api.deliveries(webhookId).size() == 3);
        await().atMost(PATIENCE).until(() -> "closed".equals(api.get(webhookId).getString("breaker_state")));
        assertEquals(7, receiver.requests(path).size(), "4 failures, the probe, then the two held behind it");

        JsonPath health = api.get(webhookId);
        assertEquals(7, health.getInt("health.attempts"));
        assertEquals(3, health.getInt("health.succeeded"));
        assertEquals(3.0 / 7, health.getDouble("health.success_rate"), 1e-6); // JSON numbers read as floats
        assertNotNull(health.get("health.p50_response_ms"));
        assertNotNull(health.get("health.p95_response_ms"));
        assertTrue(health.getInt("health.p95_response_ms") >= health.getInt("health.p50_response_ms"));
        given().when().get("/api/v1/webhooks").then().body("items.health", org.hamcrest.Matchers.everyItem(nullValue()));
        assertNull(api.get(webhookId).get("breaker_open_until"));
    }
}
