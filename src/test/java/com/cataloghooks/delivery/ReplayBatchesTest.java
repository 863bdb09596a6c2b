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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A replay walks the window by delivery id, a batch at a time, and must visit each delivery once, even when the
 * ones it re-queued fail again before the next batch. UUIDs whose first byte is above 0x7f are where the
 * database's order and Java's (signed) order part.
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
        List<UUID> ids = new ArrayList<>();
        for (String first : List.of("00", "11", "7f", "80", "a0", "c3", "ff")) {
            ids.add(UUID.fromString(first + UUID.randomUUID().toString().substring(2)));
        }
        Instant since = Instant.now().minusSeconds(60);
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                         next_attempt_at, created_at, updated_at, completed_at)
                     VALUES (?, gen_random_uuid(), ?::uuid, 'product.created', '{}', 'failed', 1, now(), now(),
                         now(), now())""")) {
            for (UUID id : ids) {
                insert.setObject(1, id);
                insert.setString(2, webhookId);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        List<UUID> visited = new ArrayList<>();
        UUID after = new UUID(0, 0);
        List<UUID> batch;
        do {
            batch = store.requeueBatch(UUID.fromString(webhookId), List.of("failed"), since, Instant.now(), after, 2);
            visited.addAll(batch);
            if (!batch.isEmpty()) {
                after = batch.get(batch.size() - 1);
                failAgain(batch); // the receiver is still down: they are failed again before the next batch
            }
        } while (batch.size() == 2); // batches of 2: the second holds 7f.. and 80.., which signed order swaps
        assertEquals(ids.size(), visited.size(), "visited " + visited + "; rows: " + rows(webhookId));
        assertEquals(new HashSet<>(ids), Set.copyOf(visited));
    }

    private String rows(String webhookId) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, status, created_at, clock_timestamp()"
                     + " FROM webhook_deliveries WHERE webhook_id = ?::uuid ORDER BY id")) {
            select.setString(1, webhookId);
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(1), 0, 2).append(' ').append(rs.getString(2)).append(' ')
                            .append(rs.getTimestamp(3).toInstant()).append(" (now ")
                            .append(rs.getTimestamp(4).toInstant()).append("); ");
                }
            }
        }
        return out.toString();
    }

    private void failAgain(List<UUID> batch) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE webhook_deliveries SET status = 'failed' WHERE id = ANY (?::uuid[])")) {
            update.setArray(1, c.createArrayOf("uuid", batch.toArray()));
            update.executeUpdate();
        }
    }
}
