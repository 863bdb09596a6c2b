package com.cataloghooks.common;

import com.cataloghooks.common.retention.RetentionJob;
import com.cataloghooks.testsupport.InfraTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Old history goes, in batches (2 rows per statement in tests); pending work and recent rows stay. */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class RetentionJobTest {

    @Inject
    RetentionJob retention;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void purgesOldHistoryOnly() throws SQLException {
        String webhookId = given().contentType("application/json")
                .body(obj("url", "http://127.0.0.1:9/retention", "events", java.util.List.of("import.failed"),
                        "is_active", false))
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
        UUID webhook = UUID.fromString(webhookId);
        for (int i = 0; i < 5; i++) {
            insertLog(webhook, "40 days");
        }
        insertLog(webhook, "1 day");
        UUID oldSucceeded = insertDelivery(webhook, "succeeded", "40 days");
        UUID oldFailed = insertDelivery(webhook, "failed", "40 days");
        UUID oldPending = insertDelivery(webhook, "pending", null);
        UUID recentSucceeded = insertDelivery(webhook, "succeeded", "1 day");
        UUID oldPublished = insertOutbox("40 days");
        UUID oldUnpublished = insertOutbox(null);

        Map<String, Integer> deleted = retention.purge(Instant.now().minus(Duration.ofDays(30)));

        assertTrue(deleted.get("webhook_logs") >= 5, deleted.toString());
        assertEquals(1, count("SELECT count(*) FROM webhook_logs WHERE webhook_id = ?", webhook));
        assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE id IN (?, ?)", oldSucceeded, oldFailed));
        assertEquals(2, count("SELECT count(*) FROM webhook_deliveries WHERE id IN (?, ?)", oldPending, recentSucceeded));
        assertEquals(0, count("SELECT count(*) FROM outbox_events WHERE id = ?", oldPublished));
        assertEquals(1, count("SELECT count(*) FROM outbox_events WHERE id = ?", oldUnpublished));
        given().delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
    }

    private void insertLog(UUID webhook, String age) throws SQLException {
        update("INSERT INTO webhook_logs (id, webhook_id, event, attempt, payload, created_at) VALUES"
                + " (gen_random_uuid(), ?, 'import.failed', 1, '{}'::jsonb, now() - CAST(? AS interval))", webhook, age);
    }

    private UUID insertDelivery(UUID webhook, String status, String completedAgo) throws SQLException {
        UUID id = UUID.randomUUID();
        update("INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,"
                + " next_attempt_at, created_at, updated_at, completed_at) VALUES (?, gen_random_uuid(), ?,"
                + " 'import.failed', '{}', ?, 1, now() - interval '40 days', now() - interval '40 days', now(),"
                + " now() - CAST(? AS interval))", id, webhook, status, completedAgo);
        return id;
    }

    private UUID insertOutbox(String publishedAgo) throws SQLException {
        UUID id = UUID.randomUUID();
        update("INSERT INTO outbox_events (id, event_type, aggregate_id, payload, created_at, published_at)"
                + " VALUES (?, 'import.failed', 'x', '{}', now() - interval '40 days', now() - CAST(? AS interval))",
                id, publishedAgo);
        return id;
    }

    private void update(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        }
    }

    private long count(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
