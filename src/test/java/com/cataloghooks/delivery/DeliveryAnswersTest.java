package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a receiver answers can be written down, and nothing about writing it down can make a delivery loop.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveryAnswersTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anAnswerWithANulByteIsRecordedAndTheDeliveryEnds() {
        String hook = path();
        receiver.respondAlways(hook, 200, "{\"echo\":\"a\u0000b\"}");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 3));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        Map<String, Object> log = api.logs(webhookId).get(0);
        assertEquals("{\"echo\":\"a\uFFFDb\"}", log.get("response_body"), "NUL replaced, the rest kept");
        assertEquals(1, receiver.requests(hook).size(), "sent once");
    }

    @Test
    void invalidUtf8IsReplacedBeforeItIsStored() {
        String hook = path();
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', (byte) 0xFF, '"', '}'};
        receiver.respondAlwaysWithBytes(hook, 200, body);
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        assertEquals("{\"a\":\"\uFFFD(\uFFFD\"}", api.logs(webhookId).get(0).get("response_body"));
    }

    @Test
    void anAnswerThatNeverEndsIsCutAtTheLimitWithoutWaitingForItsEnd() {
        String hook = path();
        receiver.respondEndlessly(hook, 200, "y".repeat(16 * 1024));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"),
                obj("retry_count", 0, "timeout_seconds", 5));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        Map<String, Object> log = api.logs(webhookId).get(0);
        assertEquals(200, log.get("status_code"));
        assertEquals("y".repeat(1000), log.get("response_body"));
        assertTrue((Integer) log.get("response_time_ms") < 5000, "answered before the timeout: " + log);
    }

    @Test
    void aDeliveryWhoseAttemptsCannotBeRecordedStillEndsAfterItsAttempts() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"),
                obj("retry_count", 1, "timeout_seconds", 1));
        String trigger = "refuse_logs_" + webhookId.replace("-", "");
        execute("""
                CREATE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.webhook_id = '%2$s' THEN RAISE EXCEPTION 'log refused by the test'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER %1$s BEFORE INSERT ON webhook_logs FOR EACH ROW EXECUTE FUNCTION %1$s();
                """.formatted(trigger, webhookId));
        try {
            createProduct(uniqueSku(), "");

            // Every attempt reaches the receiver (200) and cannot be written; each counts when claimed, so after
            // 1 + retry_count of them the delivery fails for good instead of being sent forever.
            await().atMost(PATIENCE).until(() -> "failed".equals(status(webhookId)));
            assertEquals(2, receiver.requests(hook).size());
            var webhook = api.get(webhookId);
            assertEquals(1, webhook.getInt("failure_count"));
            assertTrue(webhook.getString("last_error").contains("no attempts left (2 of 2 made)"),
                    webhook.getString("last_error"));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> receiver.requests(hook).size() == 2);
        } finally {
            execute("DROP TRIGGER %1$s ON webhook_logs; DROP FUNCTION %1$s();".formatted(trigger));
        }
    }

    private String status(String webhookId) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT status FROM webhook_deliveries WHERE webhook_id = ?::uuid")) {
            query.setString(1, webhookId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
