package com.cataloghooks.delivery;

import com.cataloghooks.delivery.send.Slots;
import com.cataloghooks.delivery.state.ClaimSql;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim never waits on another transaction's webhook row, visits only webhooks with pending deliveries, and one
 * webhook's unreadable value costs the other deliveries nothing. Real broker, real database, real receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ClaimTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ObjectMapper mapper;
    @Inject
    Slots slots;

    @Test
    void aLockedRateLimitedWebhookStallsNoOtherDelivery() throws Exception {
        String limited = path();
        String healthy = path();
        // subscribed to another event type, so only the claim (not the planner) meets its row
        String limitedId = api.webhook(receiver.url(limited), List.of("product.deleted"),
                obj("rate_limit_per_second", 1));
        api.webhook(receiver.url(healthy), List.of("product.created"), Map.of());
        insertDueDeliveries(limitedId, 50);
        await().atMost(PATIENCE).until(() -> !receiver.requests(limited).isEmpty());

        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement statement = lock.prepareStatement(
                    "SELECT id FROM webhooks WHERE id = ? FOR NO KEY UPDATE")) { // as a long update holds it
                statement.setObject(1, UUID.fromString(limitedId));
                statement.executeQuery().close();
            }
            String during = createProduct(uniqueSku(), "");
            await().atMost(PATIENCE).until(() -> receiver.requests(healthy).stream()
                    .anyMatch(r -> r.bodyAsString().contains(during)));
            lock.rollback();
        }
        int before = receiver.requests(limited).size();
        await().atMost(PATIENCE).until(() -> receiver.requests(limited).size() > before); // its turn comes back
    }

    @Test
    void anUnreadableWebhookValueCostsOtherDeliveriesNothing() throws Exception {
        String broken = path();
        String healthy = path();
        String brokenId = api.webhook(receiver.url(broken), List.of("product.created"), obj("secret", "s3cret-value"));
        api.webhook(receiver.url(healthy), List.of("product.created"), Map.of());
        execute("UPDATE webhooks SET secret = split_part(secret, ':', 1) || ':gone-key:' || split_part(secret, ':', 3)"
                + " WHERE id = '" + brokenId + "'");

        String product = createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(healthy).stream()
                .anyMatch(r -> r.bodyAsString().contains(product)));
        await().atMost(PATIENCE).until(() -> !api.logs(brokenId).isEmpty());
        Map<String, Object> log = api.logs(brokenId).get(0);
        assertTrue(String.valueOf(log.get("error")).contains("gone-key"), "the log says why: " + log);
        assertTrue(receiver.requests(broken).isEmpty(), "nothing was sent with a secret that does not decrypt");
    }

    @Test
    void theDispatcherForgetsWebhooksOnceTheirRequestsAreOver() {
        String hook = path();
        for (int i = 0; i < 20; i++) {
            api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        }
        createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> receiver.requests(hook).size() == 20);
        await().atMost(PATIENCE).until(() -> slots.webhooksTracked() == 0);
    }

    /**
     * 10,000 active webhooks with nothing pending and 10 with due deliveries: the claim reads the webhooks table for
     * the 10 only. Run in one transaction that is rolled back, so the service's own claims never see these rows;
     * the claim's median time with 10 and with 10,000 idle webhooks, and their ratio, is printed for the README.
     */
    @Test
    void idleWebhooksCostTheClaimNothing() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertWebhooks(c, 10, true);
                insertWebhooks(c, 10, false);
                analyze(c);
                double smallMs = medianClaimMs(c);
                explainClaim(c);
                assertEquals(40, leasedByTheTest(c, true), "each of the 10 busy webhooks leased its 4 due deliveries");
                insertWebhooks(c, 10_000, false);
                analyze(c);
                double largeMs = medianClaimMs(c);
                JsonNode large = explainClaim(c);
                long read = rowsRead(large.path("Plan"), "webhooks");
                System.out.printf("claim with 10 busy webhooks (median of %d): 10 idle %.2f ms, 10,000 idle %.2f ms"
                                + " (ratio %.2f); webhook rows read with 10,000 idle: %d%n%s%n", RUNS, smallMs,
                        largeMs, largeMs / smallMs, read, large.toPrettyString());
                assertEquals(40, leasedByTheTest(c, false), "and again with 10,000 idle webhooks beside them");
                assertTrue(read < 500, "the claim read " + read + " webhook rows; idle webhooks must cost nothing");
                long health = rowsRead(large.path("Plan"), "webhook_health");
                assertTrue(health < 500, "the claim read " + health + " health rows; idle webhooks must cost nothing");
            } finally {
                c.rollback();
            }
        }
    }

    private static final int RUNS = 9;

    /** The claim's median execution time over {@link #RUNS} runs, each undone (a savepoint) so all see the same rows. */
    private double medianClaimMs(Connection c) throws Exception {
        double[] times = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            Savepoint before = c.setSavepoint();
            times[i] = explainClaim(c).path("Execution Time").asDouble();
            c.rollback(before);
        }
        Arrays.sort(times);
        return times[RUNS / 2];
    }

    private void insertWebhooks(Connection c, int count, boolean busy) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO webhooks (id, url, events, created_at, updated_at)
                SELECT gen_random_uuid(), 'http://127.0.0.1:9/claim-test', ARRAY['product.created'], now(), now()
                FROM generate_series(1, ?) RETURNING id""")) {
            insert.setInt(1, count);
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    if (busy) {
                        insertDueDeliveries(c, rs.getObject(1, UUID.class).toString(), 4);
                    }
                }
            }
        }
    }

    private static void analyze(Connection c) throws Exception {
        try (Statement statement = c.createStatement()) {
            statement.execute("ANALYZE webhooks");
            statement.execute("ANALYZE webhook_health");
            statement.execute("ANALYZE webhook_deliveries");
        }
    }

    private JsonNode explainClaim(Connection c) throws Exception {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + ClaimSql.CLAIM)) {
            explain.setArray(1, c.createArrayOf("uuid", new Object[0]));
            explain.setArray(2, c.createArrayOf("int4", new Object[0]));
            explain.setArray(3, c.createArrayOf("uuid", new Object[0]));
            explain.setArray(4, c.createArrayOf("int4", new Object[0]));
            explain.setInt(5, 4);
            explain.setInt(6, 4);
            explain.setObject(7, new UUID(0, 0));
            explain.setInt(8, 1000);
            explain.setString(9, "claim-test");
            explain.setDouble(10, 10);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return mapper.readTree(rs.getString(1)).get(0);
            }
        }
    }

    /** Rows the plan read from a table: actual rows times loops of every node on it. */
    private static long rowsRead(JsonNode node, String table) {
        long rows = table.equals(node.path("Relation Name").asText())
                ? node.path("Actual Rows").asLong() * node.path("Actual Loops").asLong() : 0;
        for (JsonNode child : node.path("Plans")) {
            rows += rowsRead(child, table);
        }
        return rows;
    }

    /** How many deliveries the test's claims leased; when asked, hands them back, due again, for the next claim. */
    private static int leasedByTheTest(Connection c, boolean handBack) throws Exception {
        try (Statement statement = c.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT count(*) FROM webhook_deliveries WHERE lease_owner = 'claim-test'")) {
            rs.next();
            int leased = rs.getInt(1);
            if (handBack) {
                statement.executeUpdate("UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL,"
                        + " lease_token = NULL, lease_until = NULL WHERE lease_owner = 'claim-test'");
            }
            return leased;
        }
    }

    private void insertDueDeliveries(String webhookId, int count) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            insertDueDeliveries(c, webhookId, count);
        }
    }

    private static void insertDueDeliveries(Connection c, String webhookId, int count) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                next_attempt_at, created_at, updated_at)
                SELECT gen_random_uuid(), gen_random_uuid(), ?::uuid, 'product.deleted',
                       '{"event":"product.deleted","timestamp":"2026-01-01T00:00:00Z","data":{}}', 'pending', 0,
                       now() - interval '1 minute', now(), now()
                FROM generate_series(1, ?)""")) {
            insert.setString(1, webhookId);
            insert.setInt(2, count);
            insert.executeUpdate();
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
