package com.cataloghooks.webhook;

import com.cataloghooks.common.config.CatalogConfig;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting a webhook with a long history goes in short transactions: the webhook is deactivated first, then its
 * rows go a batch at a time, and attempts of other webhooks are recorded meanwhile, also when an attempt of the
 * webhook being deleted is recorded in the middle of it. Each test stops the delete inside one of its statements
 * (a trigger on one log row waits for an advisory lock the test holds), looks at what the rest of the system sees
 * then, and lets it go on. Real database, broker and receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class WebhookDeleteTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The advisory lock (two-key form) a stopped delete waits for. */
    private static final int LOCK_CLASS = 17;
    private static final int LOCK_ID = 17_001;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CatalogConfig config;

    @Test
    void otherWebhooksAttemptsAreRecordedWhileAWebhookWithManyLogsIsDeleted() throws Exception {
        String healthy = path();
        String doomed = path();
        String healthyId = api.webhook(receiver.url(healthy), List.of("product.created"), Map.of());
        String doomedId = api.webhook(receiver.url(doomed), List.of("product.created"),
                Map.of("timeout_seconds", 300));
        int logs = 200_000;
        UUID newestLog = insertHistory(UUID.fromString(doomedId), logs, 20_000);
        TestReceiver.Gate doomedAnswers = receiver.hold(doomed);
        CompletableFuture<Integer> delete;
        try {
            // an attempt of the doomed webhook under way: its outcome will be recorded while the delete runs
            String first = createProduct(uniqueSku(), "");
            await("the doomed webhook's attempt under way").atMost(PATIENCE)
                    .until(() -> !receiver.requests(doomed).isEmpty());
            await("the other webhook's attempt written").atMost(PATIENCE).until(() -> logged(healthyId, first));

            try (Hold hold = stopDeleteAt(newestLog)) {
                delete = deleteAsync(doomedId);
                await("the delete at its newest log row").atMost(PATIENCE).until(hold::reached);

                // The doomed webhook's attempt ends now, and goes into the recorder's next batch; then another
                // webhook's attempt. Both are written while the delete is under way.
                doomedAnswers.open();
                String during = createProduct(uniqueSku(), "");
                await("the other webhook's attempt written while the delete is under way").atMost(PATIENCE)
                        .until(() -> logged(healthyId, during));
                await("the doomed webhook's own attempt written while it is being deleted").atMost(PATIENCE)
                        .until(() -> count(
                        "SELECT count(*) FROM webhook_logs WHERE webhook_id = ? AND payload -> 'data' ->> 'id' = ?",
                        UUID.fromString(doomedId), first) == 1);

                // what is committed so far: the webhook deactivated, its logs gone but for the batch under way
                // (and the attempt just written)
                given().when().get("/api/v1/webhooks/" + doomedId).then().statusCode(200)
                        .body("is_active", equalTo(false))
                        .body("disabled_reason", containsString("delete"));
                long left = count("SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", UUID.fromString(doomedId));
                assertTrue(left > 0 && left <= config.webhooks().deleteBatchSize() + 1,
                        "logs of the webhook still there while its last batch is held: " + left + " of " + logs);
            }
        } finally {
            doomedAnswers.open();
        }
        assertEquals(204, delete.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        given().when().get("/api/v1/webhooks/" + doomedId).then().statusCode(404);
        assertNothingLeftOf(doomedId);
        String after = createProduct(uniqueSku(), "");
        await("the other webhook's attempt after the delete").atMost(PATIENCE).until(() -> logged(healthyId, after));
    }

    @Test
    void twoDeletesAtOnceBothEndWithTheWebhookGone() throws Exception {
        String doomedId = api.webhook(receiver.url(path()), List.of("product.created"), Map.of());
        UUID newestLog = insertHistory(UUID.fromString(doomedId), 20_000, 2_000);
        CompletableFuture<Integer> first;
        CompletableFuture<Integer> second;
        try (Hold hold = stopDeleteAt(newestLog)) {
            first = deleteAsync(doomedId);
            await("the first delete at the newest log row").atMost(PATIENCE).until(hold::reached);
            second = deleteAsync(doomedId);
            await("the second delete, having done what it could, waiting for rows the first holds")
                    .atMost(PATIENCE).until(() -> hold.blocking() >= 1);
        }
        assertEquals(204, first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(204, second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        given().when().get("/api/v1/webhooks/" + doomedId).then().statusCode(404);
        given().when().delete("/api/v1/webhooks/" + doomedId).then().statusCode(404);
        assertNothingLeftOf(doomedId);
    }

    @Test
    void aDeleteCutShortIsFinishedByTheNext() throws Exception {
        String doomedId = api.webhook(receiver.url(path()), List.of("product.created"), Map.of());
        int logs = 20_000;
        UUID newestLog = insertHistory(UUID.fromString(doomedId), logs, 2_000);
        // the database cancels the statement that reaches the newest log row, as a statement timeout would
        execute("CREATE FUNCTION cut_delete_short_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'cut short by the test' USING ERRCODE = '57014'; END $$");
        execute("CREATE TRIGGER cut_delete_short_for_test BEFORE DELETE ON webhook_logs FOR EACH ROW "
                + "WHEN (OLD.id = '" + newestLog + "') EXECUTE FUNCTION cut_delete_short_for_test()");
        try {
            given().when().delete("/api/v1/webhooks/" + doomedId).then().statusCode(503);
        } finally {
            execute("DROP TRIGGER cut_delete_short_for_test ON webhook_logs");
            execute("DROP FUNCTION cut_delete_short_for_test()");
        }
        // left inactive, saying why, part of its history gone; no event is planned for it meanwhile
        given().when().get("/api/v1/webhooks/" + doomedId).then().statusCode(200)
                .body("is_active", equalTo(false))
                .body("disabled_reason", containsString("DELETE it again"));
        long left = count("SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", UUID.fromString(doomedId));
        assertTrue(left < logs, "batches before the failure stay done: " + left + " of " + logs + " left");

        given().when().delete("/api/v1/webhooks/" + doomedId).then().statusCode(204);
        given().when().get("/api/v1/webhooks/" + doomedId).then().statusCode(404);
        assertNothingLeftOf(doomedId);
    }

    /**
     * Writes a history for the webhook straight into the tables: {@code deliveries} finished deliveries and
     * {@code logs} attempt rows, one millisecond apart, the newest now.
     *
     * @return the newest log row, the last one a delete reaches (it goes oldest first)
     */
    private UUID insertHistory(UUID webhook, int logs, int deliveries) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                    next_attempt_at, created_at, updated_at, completed_at, event_at)
                    SELECT gen_random_uuid(), gen_random_uuid(), ?, 'product.created', '{}', 'succeeded', 1,
                           now(), now() - g * interval '1 ms', now(), now(), now()
                    FROM generate_series(1, ?) g""")) {
                insert.setObject(1, webhook);
                insert.setInt(2, deliveries);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO webhook_logs (id, webhook_id, event_id, event, attempt, payload, status_code,
                                              response_time_ms, created_at)
                    SELECT gen_random_uuid(), ?, gen_random_uuid(), 'product.created', 1, '{}', 200, 5,
                           now() - g * interval '1 ms'
                    FROM generate_series(1, ?) g""")) {
                insert.setObject(1, webhook);
                insert.setInt(2, logs);
                insert.executeUpdate();
            }
            try (PreparedStatement newest = c.prepareStatement(
                    "SELECT id FROM webhook_logs WHERE webhook_id = ? ORDER BY created_at DESC LIMIT 1")) {
                newest.setObject(1, webhook);
                try (ResultSet rs = newest.executeQuery()) {
                    rs.next();
                    return rs.getObject(1, UUID.class);
                }
            }
        }
    }

    /** A delete stopped, in the middle of its statement, at the moment it deletes one given log row. */
    private final class Hold implements AutoCloseable {
        private final Connection connection;

        Hold(Connection connection) {
            this.connection = connection;
        }

        /** Whether a delete has reached the row and waits. */
        boolean reached() throws SQLException {
            return count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    + " AND classid = ? AND objid = ? AND objsubid = 2", LOCK_CLASS, LOCK_ID) > 0;
        }

        /** How many other sessions wait for the stopped delete's transaction. */
        long blocking() throws SQLException {
            return count("SELECT count(*) FROM pg_stat_activity a, pg_locks l"
                    + " WHERE l.locktype = 'advisory' AND NOT l.granted AND l.classid = ? AND l.objid = ?"
                    + " AND l.objsubid = 2 AND l.pid = ANY (pg_blocking_pids(a.pid))", LOCK_CLASS, LOCK_ID);
        }

        /** Lets the delete go on, and removes the trigger. */
        @Override
        public void close() throws SQLException {
            try (connection; Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK_CLASS + ", " + LOCK_ID + ")");
            }
            execute("DROP TRIGGER hold_delete_for_test ON webhook_logs");
            execute("DROP FUNCTION hold_delete_for_test()");
        }
    }

    private Hold stopDeleteAt(UUID logRow) throws SQLException {
        Connection connection = dataSource.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + LOCK_CLASS + ", " + LOCK_ID + ")");
        }
        execute("CREATE FUNCTION hold_delete_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "PERFORM pg_advisory_xact_lock_shared(" + LOCK_CLASS + ", " + LOCK_ID + "); RETURN OLD; END $$");
        execute("CREATE TRIGGER hold_delete_for_test BEFORE DELETE ON webhook_logs FOR EACH ROW "
                + "WHEN (OLD.id = '" + logRow + "') EXECUTE FUNCTION hold_delete_for_test()");
        return new Hold(connection);
    }

    private static CompletableFuture<Integer> deleteAsync(String webhookId) {
        return CompletableFuture.supplyAsync(
                () -> given().when().delete("/api/v1/webhooks/" + webhookId).then().extract().statusCode());
    }

    /** Whether the webhook's attempt for this product is written down (its log row). */
    private boolean logged(String webhookId, String productId) throws SQLException {
        return count("SELECT count(*) FROM webhook_logs WHERE webhook_id = ? AND payload -> 'data' ->> 'id' = ?",
                UUID.fromString(webhookId), productId) > 0;
    }

    private void assertNothingLeftOf(String webhookId) throws SQLException {
        UUID id = UUID.fromString(webhookId);
        assertEquals(0, count("SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", id));
        assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?", id));
        assertEquals(0, count("SELECT count(*) FROM webhooks WHERE id = ?", id));
    }

    private long count(String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
