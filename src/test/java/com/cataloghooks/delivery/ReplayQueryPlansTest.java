package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay's batches are index range reads: the plans of its batch statements, on tables large enough (and
 * analysed) for the planner's choice to mean something, read {@code webhook_deliveries} by
 * {@code (webhook_id, created_at, id)} and {@code outbox_events} by {@code (created_at, id)} from the batch's
 * position, probe the {@code (event_id, webhook_id)} key for missed events, and neither scan a whole table nor sort.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ReplayQueryPlansTest extends ReceiverTest {

    private static final int EVENTS = 60_000;
    private static final Duration SPACING = Duration.ofSeconds(10); // 60,000 events over about a week
    private static final int BATCH = 500;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper mapper;

    private final String marker = "plans-" + UUID.randomUUID();
    private UUID webhook;
    private Instant since;
    private Instant until;

    /**
     * Events every 10 s over a week; the replayed webhook has a delivery for every second one (half of them
     * failed), another webhook one for each: 90,000 deliveries. The window is two days of it, thousands of rows,
     * many times a batch: the planner would rather sort a window that fits in one batch, and rightly so.
     */
    @BeforeEach
    void fill() throws SQLException {
        List<String> webhooks = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // inactive: nothing sends what the test writes
            webhooks.add(api.webhook(receiver.url(path()), List.of("product.created", "product.updated"),
                    Map.of("is_active", false)));
        }
        webhook = UUID.fromString(webhooks.get(0));
        Instant newest = Instant.now().minus(Duration.ofHours(1));
        since = newest.minus(Duration.ofDays(4));
        until = newest.minus(Duration.ofDays(2));
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement outbox = c.prepareStatement("""
                    INSERT INTO outbox_events (id, event_type, aggregate_id, payload, created_at, published_at)
                    SELECT gen_random_uuid(),
                           (ARRAY['product.created', 'product.updated', 'product.deleted'])[1 + i % 3],
                           ? || '-' || i, '{}', ?::timestamptz - make_interval(secs => i * ?), now()
                    FROM generate_series(1, ?) i""")) {
                outbox.setString(1, marker);
                outbox.setTimestamp(2, Timestamp.from(newest));
                outbox.setLong(3, SPACING.toSeconds());
                outbox.setInt(4, EVENTS);
                outbox.executeUpdate();
            }
            try (PreparedStatement deliveries = c.prepareStatement("""
                    INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                        next_attempt_at, created_at, updated_at, completed_at, event_at)
                    SELECT gen_random_uuid(), o.id, w.id, o.event_type, '{}',
                           CASE WHEN random() < 0.5 THEN 'failed' ELSE 'succeeded' END, 1,
                           o.created_at, o.created_at, o.created_at, o.created_at, o.created_at
                    FROM outbox_events o, unnest(?::uuid[]) AS w(id)
                    WHERE o.aggregate_id LIKE ? || '-%'
                      AND (w.id <> ?::uuid OR split_part(o.aggregate_id, '-', 7)::int % 2 = 0)""")) {
                deliveries.setArray(1, c.createArrayOf("uuid", webhooks.toArray()));
                deliveries.setString(2, marker);
                deliveries.setObject(3, webhook);
                deliveries.executeUpdate();
            }
            try (Statement analyze = c.createStatement()) {
                analyze.execute("ANALYZE outbox_events");
                analyze.execute("ANALYZE webhook_deliveries");
            }
        }
    }

    @AfterEach
    void removeEvents() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement(
                     "DELETE FROM outbox_events WHERE aggregate_id LIKE ? || '-%'")) {
            delete.setString(1, marker);
            delete.executeUpdate();
        }
        // the deliveries go with their webhooks (ReceiverTest deletes them)
    }

    /** One test: the tables are filled once (the webhooks, and their deliveries, go after each test). */
    @Test
    void replayBatchesAreRangeReadsOfTheirIndexes() throws Exception {
        // the first batch, and one from the middle of the window
        for (Instant after : List.of(since, since.plus(Duration.ofHours(12)))) {
            JsonNode requeue = explain(DeliveryStore.PICK_FINISHED, s -> {
                s.setObject(1, webhook);
                s.setArray(2, s.getConnection().createArrayOf("text", new Object[]{"failed"}));
                s.setTimestamp(3, Timestamp.from(since));
                s.setTimestamp(4, Timestamp.from(until));
                s.setTimestamp(5, Timestamp.from(after));
                s.setObject(6, new UUID(0, 0));
                s.setInt(7, BATCH);
            });
            assertIndexRange(requeue, onlyScanOf(requeue, "webhook_deliveries"),
                    "webhook_deliveries_webhook_created_idx");

            JsonNode missed = explain(DeliveryStore.MISSED_BATCH, s -> {
                bindMissed(s);
                s.setTimestamp(5, Timestamp.from(after));
                s.setObject(6, new UUID(0, 0));
                s.setInt(7, BATCH);
            });
            assertIndexRange(missed, onlyScanOf(missed, "outbox_events"), "outbox_events_created_idx");
            assertEquals("webhook_deliveries_event_webhook_uq", onlyScanOf(missed, "webhook_deliveries"), missed);
        }
    }

    /** The webhook's window, and the types it subscribes to, as {@code DeliveryStore} reads them. */
    private void bindMissed(PreparedStatement s) throws SQLException {
        s.setTimestamp(1, Timestamp.from(since));
        s.setTimestamp(2, Timestamp.from(until));
        s.setArray(3, s.getConnection().createArrayOf("text", new Object[]{"product.created", "product.updated"}));
        s.setObject(4, webhook);
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private JsonNode explain(String sql, Binder binder) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement explain = c.prepareStatement("EXPLAIN (FORMAT JSON) " + sql)) {
            binder.bind(explain);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return mapper.readTree(rs.getString(1)).get(0).get("Plan");
            }
        }
    }

    /** The one node that reads the table: an index scan (plain or bitmap), never a sequential scan. */
    private static JsonNode onlyScanOf(JsonNode plan, String table) {
        List<JsonNode> scans = new ArrayList<>();
        collect(plan, n -> table.equals(n.path("Relation Name").asText()), scans);
        assertTrue(scans.size() == 1, "one scan of " + table + " in " + plan);
        JsonNode scan = scans.get(0);
        if (scan.path("Node Type").asText().equals("Bitmap Heap Scan")) {
            return scan.get("Plans").get(0); // its Bitmap Index Scan names the index
        }
        assertFalse(scan.path("Node Type").asText().equals("Seq Scan"), table + " scanned whole: " + plan);
        return scan;
    }

    /**
     * The batch reads its range off the index in the order it pages by: an index scan (no bitmap, whose rows come
     * out of order), its keyset bound in the index condition (not a filter applied to rows read from the window's
     * start), and no sort anywhere.
     */
    private static void assertIndexRange(JsonNode plan, JsonNode scan, String index) {
        assertEquals(index, scan, plan);
        assertTrue(scan.path("Node Type").asText().startsWith("Index"), "an ordered index scan: " + plan);
        String condition = scan.path("Index Cond").asText();
        assertTrue(condition.contains("ROW(created_at, id) > ROW("), "keyset bound in the index: " + plan);
        List<JsonNode> sorts = new ArrayList<>();
        collect(plan, n -> n.path("Node Type").asText().contains("Sort"), sorts);
        assertTrue(sorts.isEmpty(), "no sort: " + plan);
    }

    private static void assertEquals(String index, JsonNode scan, JsonNode plan) {
        org.junit.jupiter.api.Assertions.assertEquals(index, scan.path("Index Name").asText(), "index used in " + plan);
    }

    private static void collect(JsonNode node, java.util.function.Predicate<JsonNode> wanted, List<JsonNode> into) {
        if (wanted.test(node)) {
            into.add(node);
        }
        for (JsonNode child : node.path("Plans")) {
            collect(child, wanted, into);
        }
    }
}
