package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The receiver's health lives off the {@code webhooks} row ({@code webhook_health}): a configuration write that holds
 * a webhook's row (a long update, a delete under way) stalls neither the claims of that webhook (its rate window is in
 * its health row) nor the recording of anybody's outcomes (the counters are too). Real broker, database, receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ReceiverHealthTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aWebhookRowHeldByAConfigurationWriteStallsNoDeliveryAndNoRecording() throws Exception {
        String limited = path();
        String other = path();
        String limitedId = api.webhook(receiver.url(limited), List.of("product.created"),
                Map.of("rate_limit_per_second", 5));
        String otherId = api.webhook(receiver.url(other), List.of("product.created"), Map.of());

        try (Connection config = dataSource.getConnection()) {
            // a configuration write under way: the row updated, its transaction still open
            config.setAutoCommit(false);
            try (PreparedStatement update = config.prepareStatement(
                    "UPDATE webhooks SET description = 'being edited' WHERE id = ?")) {
                update.setObject(1, UUID.fromString(limitedId));
                assertEquals(1, update.executeUpdate());
            }
            String during = createProduct(uniqueSku(), "");
            await().atMost(PATIENCE).until(() -> productsReceived(limited).contains(during)
                    && productsReceived(other).contains(during));
            // both outcomes written while the row is still held: deliveries finished, counters moved
            await().atMost(PATIENCE).until(() -> status(limitedId, during).equals("succeeded")
                    && status(otherId, during).equals("succeeded"));
            assertEquals(1, api.get(limitedId).getInt("success_count"));
            assertEquals(1, api.get(otherId).getInt("success_count"));
            config.rollback();
        }
    }

    @Test
    void activatingAgainEndsTheFailingStreakInTheHealthRow() throws Exception {
        String hook = path();
        String id = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE webhook_health SET failing_since = now() - interval '1 day' WHERE webhook_id = ?")) {
            update.setObject(1, UUID.fromString(id));
            assertEquals(1, update.executeUpdate(), "a health row was made with the webhook");
        }
        assertEquals(false, api.get(id).getString("failing_since") == null);
        given().contentType(ContentType.JSON).body(Map.of("is_active", true))
                .when().put("/api/v1/webhooks/" + id).then().statusCode(200);
        assertNull(api.get(id).getString("failing_since"));
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(
                "SELECT failing_since FROM webhook_health WHERE webhook_id = ?")) {
            select.setObject(1, UUID.fromString(id));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                assertNull(rs.getTimestamp(1));
            }
        }
    }

    /** The status of the webhook's delivery of the product's creation, or "none" yet. */
    private String status(String webhookId, String productId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement("""
                SELECT status FROM webhook_deliveries
                WHERE webhook_id = ? AND body::jsonb -> 'data' ->> 'id' = ?""")) {
            select.setObject(1, UUID.fromString(webhookId));
            select.setString(2, productId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : "none";
            }
        }
    }

    private static List<String> productsReceived(String path) {
        return receiver.requests(path).stream()
                .map(TestReceiver.ReceivedRequest::bodyAsString)
                .map(body -> io.restassured.path.json.JsonPath.from(body).getString("data.id"))
                .toList();
    }
}
