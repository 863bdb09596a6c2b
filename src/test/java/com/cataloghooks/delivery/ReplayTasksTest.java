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

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A replay is counted once. The task pool is kept busy on purpose: a replay re-queues its batch under row locks, so
 * replays whose delivery rows the test holds stay running, and a replay asked for after them stays queued.
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

    private static String statusUrl(String webhook, String task) {
        return "/api/v1/webhooks/" + webhook + "/replays/" + task;
    }

    private static void awaitCompleted(String webhook, String task) {
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get(statusUrl(webhook, task)).then()
                .statusCode(200).body("status", equalTo("completed")));
    }
}
