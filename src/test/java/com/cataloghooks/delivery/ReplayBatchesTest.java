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
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A replay walks the window by {@code (created_at, id)}, a batch at a time, and must visit each delivery of the
 * window with a chosen status once, even when the ones it re-queued fail again before the next batch, and when
 * many share one {@code created_at} (a batch of the planner is one transaction, one {@code now()}) across a batch
 * boundary. UUIDs whose first byte is above 0x7f are where the database's order and Java's (signed) order part.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ReplayBatchesTest extends ReceiverTest {

    @Inject
    DeliveryStore store;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void eachDeliveryOfTheWindowIsRequeuedOnceAcrossBatches() throws Exception {
        // inactive: nothing claims what the walk re-queues, so the test decides what happens to it
        String webhookId = api.webhook(receiver.url(path()), List.of("product.created"), Map.of("is_active", false));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant since = at.minusSeconds(10);
        Instant until = at.plusSeconds(10);
        Set<UUID> expected = new HashSet<>();
        for (String first : List.of("00", "11", "7f", "80", "a0", "c3", "ff")) { // one created_at for all seven
            expected.add(insert(webhookId, UUID.fromString(first + UUID.randomUUID().toString().substring(2)),
                    "failed", at));
        }
        expected.add(insert(webhookId, UUID.randomUUID(), "failed", since)); // the window includes since
        expected.add(insert(webhookId, UUID.randomUUID(), "failed", at.minusSeconds(1)));
        expected.add(insert(webhookId, UUID.randomUUID(), "failed", until.minus(1, ChronoUnit.MICROS)));
        insert(webhookId, UUID.randomUUID(), "failed", since.minus(1, ChronoUnit.MICROS)); // before the window
        insert(webhookId, UUID.randomUUID(), "failed", until); // the window excludes until
        insert(webhookId, UUID.randomUUID(), "succeeded", at); // not a chosen status
        insert(webhookId, UUID.randomUUID(), "pending", at); // not finished

        List<UUID> visited = new ArrayList<>();
        DeliveryStore.Position after = DeliveryStore.Position.start(since);
        List<DeliveryStore.Position> batch;
        do {
            batch = store.requeueBatch(UUID.fromString(webhookId), List.of("failed"), since, until, after, 2);
            batch.forEach(p -> visited.add(p.id()));
            if (!batch.isEmpty()) {
                after = batch.get(batch.size() - 1);
                failAgain(batch); // the receiver is still down: they are failed again before the next batch
            }
        } while (!batch.isEmpty());
        assertEquals(expected.size(), visited.size(), "visited " + visited + "; rows: " + rows(webhookId));
        assertEquals(expected, Set.copyOf(visited));
    }

    private UUID insert(String webhookId, UUID id, String status, Instant createdAt) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                         next_attempt_at, created_at, updated_at, completed_at)
                     VALUES (?, gen_random_uuid(), ?::uuid, 'product.created', '{}', ?, 1, now(), ?, now(),
                         CASE WHEN ? = 'pending' THEN NULL ELSE now() END)""")) {
            insert.setObject(1, id);
            insert.setString(2, webhookId);
            insert.setString(3, status);
            insert.setTimestamp(4, Timestamp.from(createdAt));
            insert.setString(5, status);
            insert.executeUpdate();
        }
        return id;
    }

    private String rows(String webhookId) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, status, created_at"
                     + " FROM webhook_deliveries WHERE webhook_id = ?::uuid ORDER BY created_at, id")) {
            select.setString(1, webhookId);
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1), 0, 2).append(' ').append(rs.getString(2)).append(' ')
                            .append(rs.getTimestamp(3).toInstant()).append("; ");
                }
            }
        }
        return out.toString();
    }

    private void failAgain(List<DeliveryStore.Position> batch) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE webhook_deliveries SET status = 'failed' WHERE id = ANY (?::uuid[])")) {
            update.setArray(1, c.createArrayOf("uuid", batch.stream().map(DeliveryStore.Position::id).toArray()));
            update.executeUpdate();
        }
    }
}
