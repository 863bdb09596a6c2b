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
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Leases and late outcomes: a lease that runs out while its replica still holds the attempt is not taken from it,
 * and an outcome that arrives after its lease was expired, but before anybody claimed the delivery again, is
 * written; in both cases the receiver is not sent the event twice. Real broker, real database, real receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class LeaseTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aLeaseThatRunsOutWhileItsAttemptIsUnderWayHereIsNotTakenFromIt() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "slow", Duration.ofSeconds(3));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("timeout_seconds", 10));
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(hook).size() == 1);

        // as if the lease margin were shorter than the receiver's answer: the poll (every 500 ms here) meets it
        int expired = update("UPDATE webhook_deliveries SET lease_until = now() - interval '1 minute'"
                + " WHERE webhook_id = ?::uuid AND status = 'in_flight'", webhookId);
        assertEquals(1, expired);

        await().atMost(PATIENCE).until(() -> "succeeded".equals(status(webhookId)));
        assertEquals(1, receiver.requests(hook).size(), "sent once: the lease stayed with the replica that held it");
    }

    @Test
    void anOutcomeArrivingAfterItsLeaseWasExpiredStillCounts() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "slow", Duration.ofSeconds(3));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("timeout_seconds", 10));
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(hook).size() == 1);

        // what another replica's expiry does to it (the claim's token kept), due later so nobody claims it meanwhile
        int expired = update("UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL,"
                + " next_attempt_at = now() + interval '1 hour' WHERE webhook_id = ?::uuid AND status = 'in_flight'",
                webhookId);
        assertEquals(1, expired);

        await().atMost(PATIENCE).until(() -> "succeeded".equals(status(webhookId)));
        assertEquals(1, receiver.requests(hook).size());
        assertEquals(1, api.get(webhookId).getInt("success_count"));
    }

    private int update(String sql, String webhookId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, webhookId);
            return update.executeUpdate();
        }
    }

    private String status(String webhookId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT status FROM webhook_deliveries WHERE webhook_id = ?")) {
            query.setObject(1, UUID.fromString(webhookId));
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
