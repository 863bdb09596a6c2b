package com.cataloghooks.delivery;

import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.JdbcTransaction;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The delivery table's state machine, in SQL, each step one statement on a plain JDBC transaction (the work runs on
 * the dispatcher's and recorder's own threads, in batches, outside any request). Every transition after the claim
 * names the claim's fencing token: a claim whose lease ran out and was taken over changes nothing. Times come from
 * the database clock, the one clock all replicas share.
 */
@ApplicationScoped
public class DeliveryStore {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;
    private final StoredSecrets secrets;

    public DeliveryStore(AgroalDataSource dataSource, ObjectMapper mapper, StoredSecrets secrets) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.secrets = secrets;
    }

    <T> T inTransaction(JdbcTransaction.Work<T> work) {
        return JdbcTransaction.run(dataSource, work);
    }

    /**
     * Records one pending delivery per event and active webhook subscribed to it and created before it, for a whole
     * batch of events in one statement; an event seen before adds nothing, and does not reach webhooks that
     * subscribed after it happened.
     */
    int plan(List<EventMessage> events) {
        if (events.isEmpty()) {
            return 0;
        }
        return inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                    next_attempt_at, created_at, updated_at)
                    SELECT gen_random_uuid(), e.id, w.id, e.type, e.body, 'pending', 0, now(), now(), now()
                    FROM unnest(?::uuid[], ?::text[], ?::text[]::timestamptz[], ?::text[]) AS e(id, type, occurred_at, body)
                    JOIN webhooks w ON w.is_active AND e.type = ANY (w.events) AND w.created_at <= e.occurred_at
                    ON CONFLICT (event_id, webhook_id) DO NOTHING""")) {
                insert.setArray(1, connection.createArrayOf("uuid", events.stream().map(EventMessage::id).toArray()));
                insert.setArray(2, connection.createArrayOf("text", events.stream().map(EventMessage::type).toArray()));
                insert.setArray(3, connection.createArrayOf("text",
                        events.stream().map(e -> e.occurredAt().toString()).toArray()));
                insert.setArray(4, connection.createArrayOf("text", events.stream().map(EventMessage::body).toArray()));
                return insert.executeUpdate();
            }
        });
    }

    /** Leases due deliveries, webhook by webhook, and counts their attempt; see {@link ClaimSql}. */
    List<Claimed> claim(Map<UUID, Integer> running, int perWebhook, UUID cursor, int capacity, String owner,
                        long leaseSeconds) {
        return inTransaction(connection -> {
            try (PreparedStatement claim = connection.prepareStatement(ClaimSql.CLAIM)) {
                claim.setArray(1, connection.createArrayOf("uuid", running.keySet().toArray()));
                claim.setArray(2, connection.createArrayOf("int4", running.values().toArray()));
                claim.setInt(3, perWebhook);
                claim.setInt(4, perWebhook);
                claim.setObject(5, cursor);
                claim.setInt(6, capacity);
                claim.setString(7, owner);
                claim.setDouble(8, leaseSeconds);
                List<Claimed> claimed = new ArrayList<>();
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                rs.getInt(3), rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6),
                                rs.getObject(7, UUID.class), rs.getString(8), secrets.openSecret(rs.getString(9)),
                                secrets.openHeaders(headers(rs.getString(10))), rs.getInt(11), rs.getInt(12)));
                    }
                }
                return claimed;
            }
        });
    }

    /**
     * Deliveries whose claim ran out (its replica died, or could not record the attempt) go back to pending, due at
     * once; the attempt they were claimed for counts as made.
     */
    int expireLeases() {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
                        lease_token = NULL, updated_at = now()
                    WHERE status = 'in_flight' AND lease_until < now()""")) {
                return update.executeUpdate();
            }
        });
    }

    /** Counts an in-process retry before it is sent, and extends the lease over it; false when the claim is lost. */
    boolean beginRetry(UUID id, UUID token, long leaseSeconds) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries d
                    SET attempts = d.attempts + 1, updated_at = now(),
                        lease_until = now() + make_interval(secs => w.timeout_seconds + ?)
                    FROM webhooks w
                    WHERE w.id = d.webhook_id AND d.id = ? AND d.lease_token = ? AND d.status = 'in_flight'""")) {
                update.setDouble(1, leaseSeconds);
                update.setObject(2, id);
                update.setObject(3, token);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Hands a claimed delivery back, due at once (its webhook has no free slot here for an in-process retry). */
    boolean requeue(UUID id, UUID token) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
                        lease_token = NULL, updated_at = now()
                    WHERE id = ? AND lease_token = ? AND status = 'in_flight'""")) {
                update.setObject(1, id);
                update.setObject(2, token);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Hands back every delivery this replica holds (shutdown), keeping each one's next attempt time; the tokens go,
     * so an attempt of this replica that ends later changes nothing.
     */
    int release(String owner) {
        return inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE webhook_deliveries
                    SET status = 'pending', lease_owner = NULL, lease_until = NULL, lease_token = NULL,
                        updated_at = now()
                    WHERE status = 'in_flight' AND lease_owner = ?""")) {
                update.setString(1, owner);
                return update.executeUpdate();
            }
        });
    }

    private Map<String, String> headers(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return mapper.readValue(json, HEADERS);
        } catch (IOException e) {
            throw new IllegalStateException("stored webhook headers are not a JSON object", e);
        }
    }

    /**
     * A delivery this replica has just claimed, for the attempt numbered {@code attempt}; its webhook's secret and
     * header values decrypted (every stored value decrypts: {@code SecretReencryption} checks that at startup).
     */
    record Claimed(UUID id, UUID token, int attempt, UUID eventId, String eventType, String body, UUID webhookId,
                   String url, String secret, Map<String, String> headers, int timeoutSeconds, int retryCount) {

        @Override
        public String toString() {
            return "Claimed[id=" + id + ", webhook=" + webhookId + ", attempt=" + attempt + "]";
        }
    }
}
