package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver;
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
import java.util.Map;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver's trouble stays its own: waiting deliveries hold nothing, claims go round the webhooks, and a claim
 * that was lost (its lease taken over) changes nothing. Real broker, real database, real receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveryIsolationTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void fortyFailingWebhooksCostAHealthyOneNothing() {
        String failing = path();
        String healthy = path();
        receiver.respondAlways(failing, 500, "broken");
        for (int i = 0; i < 40; i++) {
            api.webhook(receiver.url(failing), List.of("product.created"), obj("retry_count", 10, "timeout_seconds", 5));
        }
        String healthyId = api.webhook(receiver.url(healthy), List.of("product.created"), Map.of());

        int products = 12;
        for (int i = 0; i < products; i++) {
            createProduct(uniqueSku(), "");
        }

        // Each failing delivery waits minutes in all (10 retries from 200 ms, doubling): 40 webhooks x 8 of them
        // would fill every slot of the replica if waiting held one.
        await().atMost(PATIENCE).until(() -> api.get(healthyId).getInt("success_count") == products);
        assertEquals(products, receiver.requests(healthy).size());
        assertTrue(receiver.requests(failing).size() > 40, "the failing receivers were tried meanwhile");
    }

    @Test
    void aBacklogDoesNotDelayAWebhookWithOneDueDelivery() throws Exception {
        // One webhook with a large backlog and twenty with smaller ones, all due for a minute already, all to a
        // receiver that answers at once: oldest-first claiming would serve them all before anything newer.
        String busy = path();
        List<String> busyIds = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            busyIds.add(api.webhook(receiver.url(busy), List.of("product.created"), obj("retry_count", 0)));
        }
        int backlog = 0;
        for (int i = 0; i < busyIds.size(); i++) {
            int rows = i == 0 ? 20_000 : 1_000;
            backlog += rows;
            executeUpdate("""
                    INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                    next_attempt_at, created_at, updated_at)
                    SELECT gen_random_uuid(), gen_random_uuid(), '%s', 'product.created',
                           '{"event":"product.created","timestamp":"2026-01-01T00:00:00Z","data":{}}', 'pending', 0,
                           now() - interval '1 minute', now(), now()
                    FROM generate_series(1, %d)""".formatted(busyIds.get(i), rows));
        }
        await().atMost(PATIENCE).until(() -> !receiver.requests(busy).isEmpty());
        String quiet = path();
        String quietId = api.webhook(receiver.url(quiet), List.of("product.created"), Map.of());

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.get(quietId).getInt("success_count") == 1);
        long stillDue = count("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND webhook_id IN ("
                + busyIds.stream().map(id -> "'" + id + "'").collect(java.util.stream.Collectors.joining(",")) + ")");
        assertTrue(stillDue > backlog / 4, "served while the backlog was still there, not after it: "
                + stillDue + " of " + backlog + " left");
    }

    @Test
    void aDeliveryWaitingLongerThanTheInProcessLimitWaitsAsARowHoldingNothing() throws Exception {
        String hook = path();
        receiver.respond(hook).header("Retry-After", "60").with(503, "come back in a minute");
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 3));

        createProduct(uniqueSku(), "");

        await().atMost(PATIENCE).until(() -> api.logs(webhookId).size() == 1);
        Map<String, Object> row = await().atMost(PATIENCE).until(() -> delivery(webhookId),
                d -> "pending".equals(d.get("status")));
        assertEquals(1, row.get("attempts"));
        assertNull(row.get("lease_owner"), "no replica holds it while it waits");
        assertNull(row.get("lease_token"));
        assertTrue((Double) row.get("due_in_seconds") > 50, "due when the receiver asked: " + row);
        assertTrue(((String) row.get("last_error")).contains("HTTP 503"));
    }

    @Test
    void aClaimTakenOverByAnotherChangesNothingWhenItsAttemptEnds() throws Exception {
        String hook = path();
        receiver.respondAlways(hook, 200, "{}", Duration.ofSeconds(2));
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"),
                obj("retry_count", 0, "timeout_seconds", 10));

        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> !receiver.requests(hook).isEmpty());
        // As if the lease had run out and another replica had claimed the delivery: a new token, a new lease.
        int taken = executeUpdate("""
                UPDATE webhook_deliveries SET lease_token = gen_random_uuid(), lease_owner = 'other-replica',
                    lease_until = now() + interval '1 hour'
                WHERE webhook_id = '%s' AND status = 'in_flight'""".formatted(webhookId));
        assertEquals(1, taken);

        // The receiver answers 200 after 2 s; the first claim's outcome must not be written.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() ->
                api.logs(webhookId).isEmpty() && "in_flight".equals(delivery(webhookId).get("status")));
        assertEquals(0, api.get(webhookId).getInt("success_count"));
        assertEquals("other-replica", delivery(webhookId).get("lease_owner"));
    }

    @Test
    void inProcessRetriesReuseTheReceiversConnection() {
        // a receiver of its own: no other test's requests share its connection pool
        try (TestReceiver own = TestReceiver.start()) {
            own.respond("/again").times(3).with(500, "not yet");
            String webhookId = api.webhook(own.url("/again"), List.of("product.created"), obj("retry_count", 5));

            createProduct(uniqueSku(), "");

            await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
            List<Integer> ports = own.requests("/again").stream().map(r -> r.remotePort()).distinct().toList();
            assertEquals(4, own.requests("/again").size());
            assertEquals(1, ports.size(), "four requests over one kept-alive connection: " + ports);
        }
    }

    private Map<String, Object> delivery(String webhookId) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement("""
                     SELECT status, attempts, lease_owner, lease_token, last_error,
                            extract(epoch FROM next_attempt_at - now())::float8
                     FROM webhook_deliveries WHERE webhook_id = ?::uuid""")) {
            query.setString(1, webhookId);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next(), "one delivery for " + webhookId);
                Map<String, Object> row = new java.util.HashMap<>();
                row.put("status", rs.getString(1));
                row.put("attempts", rs.getInt(2));
                row.put("lease_owner", rs.getString(3));
                row.put("lease_token", rs.getObject(4));
                row.put("last_error", rs.getString(5));
                row.put("due_in_seconds", rs.getDouble(6));
                assertNotNull(row.get("status"));
                return row;
            }
        }
    }

    private int executeUpdate(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            return statement.executeUpdate();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql);
             ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
