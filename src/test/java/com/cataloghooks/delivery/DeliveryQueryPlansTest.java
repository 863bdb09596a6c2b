package com.cataloghooks.delivery;

import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.testsupport.InfraTestResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statements every poll and every recorded batch run read what they change, not the backlog, even with the
 * statistics of an emptier table. The trap, as a bulk insert sets it in production (a replay, a burst of events
 * after a quiet hour) and as {@code DeliveryIsolationTest} set it in CI: the table is analysed while no delivery is
 * pending or in flight, so the partial indexes of unfinished deliveries are recorded as empty; then 40,000 pending
 * deliveries arrive. Until the next analyse the planner takes those indexes for empty and cheap to read whole: the
 * recorder's batch update read the whole backlog for every batch (seconds each, in CI), and the expiry of claims ran
 * for minutes. Here the tables are copies in a schema of their own, with autovacuum off, so the statistics stay
 * stale for as long as the test needs; the statements are the service's own text.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveryQueryPlansTest {

    private static final int BACKLOG = 40_000;
    private static final int IN_FLIGHT = 50;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper mapper;

    private final String schema = "plans_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeEach
    void setTheTrap() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // one transaction, so the search path ends with it: the connection goes back to the pool unchanged
            c.setAutoCommit(false);
            s.execute("CREATE SCHEMA " + schema);
            s.execute("SET LOCAL search_path = " + schema);
            s.execute("CREATE TABLE webhooks (LIKE public.webhooks INCLUDING ALL) WITH (autovacuum_enabled = false)");
            s.execute("CREATE TABLE webhook_deliveries (LIKE public.webhook_deliveries INCLUDING ALL)"
                    + " WITH (autovacuum_enabled = false)");
            s.execute("""
                    INSERT INTO webhooks (id, url, events, created_at, updated_at)
                    VALUES ('00000000-0000-0000-0000-000000000001', 'https://example.com/hook',
                            ARRAY['product.created'], now(), now())""");
            // the history a quiet service has: everything delivered; analysed so, the partial indexes are empty
            s.execute(deliveries(300, "'succeeded'"));
            s.execute("ANALYZE webhooks");
            s.execute("ANALYZE webhook_deliveries");
            // the burst: a backlog, and some of it claimed by a replica that died (its leases ran out)
            s.execute(deliveries(BACKLOG, "'pending'"));
            s.execute("""
                    UPDATE webhook_deliveries
                    SET status = 'in_flight', lease_owner = 'dead-replica', lease_token = gen_random_uuid(),
                        lease_until = now() - interval '1 minute'
                    WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' LIMIT %d)"""
                    .formatted(IN_FLIGHT));
            try (ResultSet rs = s.executeQuery("SELECT reltuples FROM pg_class WHERE relname = 'webhook_deliveries'"
                    + " AND relnamespace = '" + schema + "'::regnamespace")) {
                rs.next();
                assertEquals(300, rs.getLong(1), "the statistics still describe the quiet table");
            }
            c.commit();
        }
    }

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void aRecordedBatchReadsItsOwnDeliveriesByKey() throws Exception {
        try (Connection c = stale()) {
            List<UUID> ids = new ArrayList<>();
            List<UUID> tokens = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(
                         "SELECT id, lease_token FROM webhook_deliveries WHERE status = 'in_flight'")) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                    tokens.add(rs.getObject(2, UUID.class));
                }
            }
            assertEquals(IN_FLIGHT, ids.size());
            JsonNode plan = explain(c, DeliveryTransitions.APPLY, p -> {
                p.setDouble(1, 60);
                p.setArray(2, c.createArrayOf("uuid", ids.toArray()));
                p.setArray(3, c.createArrayOf("uuid", tokens.toArray()));
                p.setArray(4, c.createArrayOf("text", ids.stream().map(id -> "succeeded").toArray()));
                p.setArray(5, c.createArrayOf("text", ids.stream().map(id -> (String) null).toArray()));
                p.setArray(6, c.createArrayOf("float8", ids.stream().map(id -> 0.0).toArray()));
                p.setArray(7, c.createArrayOf("bool", ids.stream().map(id -> false).toArray()));
            });
            assertEquals(IN_FLIGHT, plan.path("Plan").path("Actual Rows").asLong(), "every outcome written");
            long read = rowsRead(plan.path("Plan"));
            assertTrue(read <= 2L * IN_FLIGHT, "a batch of " + IN_FLIGHT + " read " + read
                    + " deliveries (the backlog is " + BACKLOG + "): " + plan.toPrettyString());
        }
    }

    @Test
    void expiringClaimsReadsTheTableOnceAndUpdatesByKey() throws Exception {
        try (Connection c = stale()) {
            JsonNode pick = explain(c, DeliveryTransitions.EXPIRED_CLAIMS, p -> {
                p.setDouble(1, 0);
                p.setString(2, "this-replica");
                p.setArray(3, c.createArrayOf("uuid", new Object[0]));
            });
            assertEquals(IN_FLIGHT, pick.path("Plan").path("Actual Rows").asLong(), "every expired claim found");
            assertNoRescan(pick.path("Plan"));
            long read = rowsRead(pick.path("Plan"));
            assertTrue(read <= BACKLOG + 300 + IN_FLIGHT, "read at most the table once: " + read);

            List<UUID> ids = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM webhook_deliveries WHERE status = 'in_flight'")) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            JsonNode update = explain(c, DeliveryTransitions.EXPIRE,
                    p -> p.setArray(1, c.createArrayOf("uuid", ids.toArray())));
            long updateRead = rowsRead(update.path("Plan"));
            assertTrue(updateRead <= 2L * IN_FLIGHT, "the update found " + IN_FLIGHT + " deliveries by key, read "
                    + updateRead + ": " + update.toPrettyString());
        }
    }

    /**
     * A connection whose unqualified names are the copies, for the transaction under way only (SET LOCAL); autocommit
     * off, so every EXPLAIN ANALYZE is undone.
     */
    private Connection stale() throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL search_path = " + schema);
        }
        return c;
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private JsonNode explain(Connection c, String sql, Parameters parameters) throws Exception {
        try (PreparedStatement explain = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)) {
            parameters.set(explain);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return mapper.readTree(rs.getString(1)).get(0);
            } finally {
                c.rollback();
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL search_path = " + schema);
                }
            }
        }
    }

    /** Rows that a scan of {@code webhook_deliveries} read: returned or filtered away, over all its loops. */
    private static long rowsRead(JsonNode node) {
        long read = 0;
        if ("webhook_deliveries".equals(node.path("Relation Name").asText()) && node.has("Actual Loops")) {
            long perLoop = node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()
                    + node.path("Rows Removed by Index Recheck").asLong();
            read += perLoop * node.path("Actual Loops").asLong();
        }
        for (JsonNode child : node.path("Plans")) {
            read += rowsRead(child);
        }
        return read;
    }

    /** No scan of {@code webhook_deliveries} runs more than once. */
    private static void assertNoRescan(JsonNode node) {
        if ("webhook_deliveries".equals(node.path("Relation Name").asText())) {
            assertTrue(node.path("Actual Loops").asLong() <= 1, "rescanned: " + node.toPrettyString());
        }
        for (JsonNode child : node.path("Plans")) {
            assertNoRescan(child);
        }
    }

    private static String deliveries(int count, String status) {
        return """
                INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                next_attempt_at, created_at, updated_at)
                SELECT gen_random_uuid(), gen_random_uuid(), '00000000-0000-0000-0000-000000000001',
                       'product.created', '{"event":"product.created","data":{}}', %s, 0,
                       now() - interval '1 minute', now(), now()
                FROM generate_series(1, %d)""".formatted(status, count);
    }
}
