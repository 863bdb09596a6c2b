package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A replay is counted once, and runs one at a time per webhook, decided by the database (any replica may take the
 * second request). The task pool is kept busy on purpose: a replay re-queues its batch under row locks, so replays
 * whose delivery rows the test holds stay running, and a replay asked for after them stays queued.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ReplayTasksTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> EVENTS = List.of("product.created");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    CatalogConfig config;

    @Test
    void aSecondReplayOfAWebhookIs409NamingTheFirstUntilItHasEnded() throws Exception {
        List<String> busy = busyWebhooks();
        String running = busy.get(0);
        String queuedPath = path();
        String queued = api.webhook(receiver.url(queuedPath), EVENTS, Map.of());
        insertFailed(queued, 2);
        Instant since = Instant.now().minusSeconds(60);
        List<String> busyTasks = new ArrayList<>();
        try (Connection locks = lockDeliveriesOf(busy)) {
            for (String webhook : busy) {
                busyTasks.add(replay(webhook, since).getString("task_id"));
            }
            await().atMost(PATIENCE).untilAsserted(() -> given().when().get(statusUrl(running, busyTasks.get(0)))
                    .then().statusCode(200).body("status", equalTo("running")));
            String queuedTask = replay(queued, since).getString("task_id"); // the pool is busy: it waits as queued
            given().when().get(statusUrl(queued, queuedTask)).then().statusCode(200).body("status", equalTo("queued"));

            // the first replay is running (stuck on the held row), the other queued: both are 409, naming it
            refused(running, since, busyTasks.get(0));
            refused(queued, since, queuedTask);
            locks.rollback();

            for (int i = 0; i < busy.size(); i++) {
                awaitCompleted(busy.get(i), busyTasks.get(i));
            }
            awaitCompleted(queued, queuedTask);
        }
        // once it has ended, the webhook may be replayed again
        String again = replay(running, since).getString("task_id");
        assertNotEquals(busyTasks.get(0), again);
        awaitCompleted(running, again);
        // the queued replay re-queued each of its deliveries once: the receiver got each event once
        List<ReceivedRequest> got = await().atMost(PATIENCE)
                .until(() -> receiver.requests(queuedPath), r -> r.size() >= 2);
        Set<String> events = new HashSet<>();
        got.forEach(r -> events.add(r.header("webhook-id")));
        assertEquals(2, events.size(), "each re-queued delivery sent once: " + got);
    }

    @Test
    void theCountsOfTheAnswerAreTheTasksTotalNotCountedAgain() throws Exception {
        List<String> busy = busyWebhooks();
        String path = path();
        String webhook = api.webhook(receiver.url(path), EVENTS, Map.of());
        insertFailed(webhook, 3);
        Instant since = Instant.now().minusSeconds(60);
        Instant until = Instant.now().plusSeconds(3600); // so that a delivery failed after the answer is in the window
        String task;
        try (Connection locks = lockDeliveriesOf(busy)) {
            List<String> busyTasks = new ArrayList<>();
            for (String other : busy) {
                busyTasks.add(replay(other, since).getString("task_id"));
            }
            JsonPath accepted = given().contentType(ContentType.JSON)
                    .body(obj("since", since.toString(), "until", until.toString(), "include_missed", false))
                    .when().post("/api/v1/webhooks/" + webhook + "/replay")
                    .then().statusCode(202).body("deliveries", equalTo(3)).body("missed_events", equalTo(0))
                    .extract().jsonPath();
            task = accepted.getString("task_id");
            insertFailed(webhook, 1); // while the replay waits for a free runner
            locks.rollback();
            for (int i = 0; i < busy.size(); i++) {
                awaitCompleted(busy.get(i), busyTasks.get(i));
            }
        }
        // total_rows is what the answer said; the walk still takes the fourth, which is in the window
        awaitCompleted(webhook, task);
        given().when().get(statusUrl(webhook, task)).then().statusCode(200)
                .body("total_rows", equalTo(3)).body("updated", equalTo(4)).body("created", equalTo(0));
        List<ReceivedRequest> got = await().atMost(PATIENCE).until(() -> receiver.requests(path), r -> r.size() >= 4);
        Set<String> events = new HashSet<>();
        got.forEach(r -> events.add(r.header("webhook-id")));
        assertEquals(4, events.size(), "each delivery of the window sent once: " + got);
        assertEquals(4, got.size(), "each delivery of the window sent once: " + got);
    }

    @Test
    void aReplayWhoseReplicaStoppedIsEndedAndNoLongerBlocksTheWebhook() throws Exception {
        String webhook = api.webhook(receiver.url(path()), EVENTS, Map.of());
        Instant since = Instant.now().minusSeconds(60);
        // a replay of another replica, which confirms it is alive (for a minute ahead): it holds the webhook
        UUID orphan = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO import_tasks (id, kind, status, filename, owner, heartbeat_at, created_at, started_at)
                     VALUES (?, 'replay', 'running', ?, 'replica-that-will-die', now() + interval '1 minute', now(),
                         now())""")) {
            insert.setObject(1, orphan);
            insert.setString(2, "webhook " + webhook);
            insert.executeUpdate();
        }
        refused(webhook, since, orphan.toString());
        // its replica stops confirming it (crashed): the task machinery ends it, and the webhook is free again
        try (Connection c = dataSource.getConnection();
             PreparedStatement stale = c.prepareStatement(
                     "UPDATE import_tasks SET heartbeat_at = now() - interval '1 hour' WHERE id = ?")) {
            stale.setObject(1, orphan);
            stale.executeUpdate();
        }
        String task = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> given().contentType(ContentType.JSON).body(obj("since", since.toString()))
                        .when().post("/api/v1/webhooks/" + webhook + "/replay").then().extract(),
                        r -> r.statusCode() == 202).path("task_id");
        // (polled: the reaper runs every catalog.tasks.heartbeat-interval, on whichever replica gets there first)
        given().when().get(statusUrl(webhook, orphan.toString())).then().statusCode(200)
                .body("status", equalTo("failed")).body("error", containsString("stopped"));
        awaitCompleted(webhook, task);
    }

    /** As many webhooks as the task pool has runners, each with a failed delivery whose row the test can hold. */
    private List<String> busyWebhooks() throws SQLException {
        List<String> webhooks = new ArrayList<>();
        for (int i = 0; i < config.tasks().concurrency(); i++) {
            String webhook = api.webhook(receiver.url(path()), EVENTS, Map.of());
            insertFailed(webhook, 1);
            webhooks.add(webhook);
        }
        return webhooks;
    }

    /** Holds the row locks of the webhooks' deliveries until the returned connection rolls back. */
    private Connection lockDeliveriesOf(List<String> webhooks) throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT id FROM webhook_deliveries WHERE webhook_id = ANY (?::uuid[]) FOR UPDATE")) {
            lock.setArray(1, c.createArrayOf("uuid", webhooks.toArray()));
            lock.executeQuery().close();
        }
        return c;
    }

    /** Failed deliveries planned now, as if the receiver had been down; the dispatcher leaves them be. */
    private void insertFailed(String webhook, int count) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                         next_attempt_at, created_at, updated_at, completed_at)
                     SELECT gen_random_uuid(), gen_random_uuid(), ?::uuid, 'product.created', '{}', 'failed', 1, now(),
                         now(), now(), now()
                     FROM generate_series(1, ?)""")) {
            insert.setString(1, webhook);
            insert.setInt(2, count);
            insert.executeUpdate();
        }
    }

    private static JsonPath replay(String webhook, Instant since) {
        return given().contentType(ContentType.JSON).body(obj("since", since.toString(), "include_missed", false))
                .when().post("/api/v1/webhooks/" + webhook + "/replay")
                .then().statusCode(202).extract().jsonPath();
    }

    private static void refused(String webhook, Instant since, String taskId) {
        given().contentType(ContentType.JSON).body(obj("since", since.toString()))
                .when().post("/api/v1/webhooks/" + webhook + "/replay")
                .then().statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(taskId))
                .body("detail", containsString(statusUrl(webhook, taskId)))
                .body("errors[0].field", equalTo("replay"));
    }

    private static String statusUrl(String webhook, String task) {
        return "/api/v1/webhooks/" + webhook + "/replays/" + task;
    }

    private static void awaitCompleted(String webhook, String task) {
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get(statusUrl(webhook, task)).then()
                .statusCode(200).body("status", equalTo("completed")));
    }
}
