package com.cataloghooks.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Query;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The delivery table's state machine, in SQL: claiming uses {@code FOR UPDATE SKIP LOCKED} so replicas never wait
 * on each other, and every transition checks the lease owner so a replica that lost its lease changes nothing.
 * Times come from the database clock, the one clock all replicas share.
 */
@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<WebhookDelivery, UUID> {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    public DeliveryRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Records one pending delivery per active webhook subscribed to the event and created before it; a replayed
     * event adds nothing, and does not reach webhooks that subscribed after it happened.
     */
    int plan(UUID eventId, String eventType, Instant occurredAt, String body) {
        return getEntityManager().createNativeQuery("""
                        INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                        next_attempt_at, created_at, updated_at)
                        SELECT gen_random_uuid(), :eventId, w.id, :eventType, :body, 'pending', 0, now(), now(), now()
                        FROM webhooks w
                        WHERE w.is_active AND :eventType = ANY (w.events) AND w.created_at <= :occurredAt
                        ON CONFLICT (event_id, webhook_id) DO NOTHING""")
                .setParameter("eventId", eventId)
                .setParameter("eventType", eventType)
                .setParameter("occurredAt", occurredAt)
                .setParameter("body", body)
                .executeUpdate();
    }

    /** Due deliveries (pending and due, or in flight with an expired lease) of active webhooks, oldest first. */
    @SuppressWarnings("unchecked")
    List<Candidate> lockDue(int limit, Collection<UUID> excludedWebhooks) {
        String exclusion = excludedWebhooks.isEmpty() ? "" : " AND d.webhook_id NOT IN (:excluded)";
        Query query = getEntityManager().createNativeQuery("""
                SELECT d.id, d.webhook_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE w.is_active
                  AND ((d.status = 'pending' AND d.next_attempt_at <= now())
                       OR (d.status = 'in_flight' AND d.lease_until < now()))""" + exclusion + """
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT :limit
                 FOR UPDATE OF d SKIP LOCKED""")
                .setParameter("limit", limit);
        if (!excludedWebhooks.isEmpty()) {
            query.setParameter("excluded", excludedWebhooks);
        }
        List<Object[]> rows = query.getResultList();
        List<Candidate> candidates = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            candidates.add(new Candidate((UUID) row[0], (UUID) row[1]));
        }
        return candidates;
    }

    /** Leases the chosen deliveries to {@code owner} for one attempt plus the lease margin. */
    @SuppressWarnings("unchecked")
    List<Claimed> lease(Collection<UUID> ids, String owner, long leaseSeconds) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        UPDATE webhook_deliveries d
                        SET status = 'in_flight', lease_owner = :owner,
                            lease_until = now() + make_interval(secs => w.timeout_seconds + :lease), updated_at = now()
                        FROM webhooks w
                        WHERE w.id = d.webhook_id AND d.id IN (:ids)
                        RETURNING d.id, d.event_id, d.event_type, d.body, d.attempts,
                                  w.id, w.url, w.secret, CAST(w.headers AS text), w.timeout_seconds, w.retry_count""")
                .setParameter("owner", owner)
                .setParameter("lease", (double) leaseSeconds)
                .setParameter("ids", ids)
                .getResultList();
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            claimed.add(new Claimed((UUID) row[0], (UUID) row[1], (String) row[2], (String) row[3],
                    ((Number) row[4]).intValue(), (UUID) row[5], (String) row[6], (String) row[7],
                    headers((String) row[8]), ((Number) row[9]).intValue(), ((Number) row[10]).intValue()));
        }
        return claimed;
    }

    /** After a failed attempt that will be retried: keep the lease through the wait and the next attempt. */
    boolean scheduleRetry(UUID id, String owner, int attempts, String error, double waitSeconds, long leaseSeconds) {
        return getEntityManager().createNativeQuery("""
                        UPDATE webhook_deliveries d
                        SET attempts = :attempts, last_error = :error, updated_at = now(),
                            next_attempt_at = now() + make_interval(secs => :wait),
                            lease_until = now() + make_interval(secs => :wait + w.timeout_seconds + :lease)
                        FROM webhooks w
                        WHERE w.id = d.webhook_id AND d.id = :id AND d.status = 'in_flight' AND d.lease_owner = :owner""")
                .setParameter("attempts", attempts)
                .setParameter("error", error)
                .setParameter("wait", waitSeconds)
                .setParameter("lease", (double) leaseSeconds)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate() == 1;
    }

    /** Final outcome; false when the lease was lost, in which case the caller must not count it. */
    boolean complete(UUID id, String owner, boolean succeeded, int attempts, String error) {
        return getEntityManager().createNativeQuery("""
                        UPDATE webhook_deliveries
                        SET status = :status, attempts = :attempts, last_error = :error, updated_at = now(),
                            completed_at = now(), lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND status = 'in_flight' AND lease_owner = :owner""")
                .setParameter("status", succeeded ? "succeeded" : "failed")
                .setParameter("attempts", attempts)
                .setParameter("error", error)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate() == 1;
    }

    /**
     * Hands deliveries back (shutdown) to any replica: those never attempted here are due at once, those waiting to
     * be retried keep their next attempt time.
     */
    int release(String owner) {
        return getEntityManager().createNativeQuery("""
                        UPDATE webhook_deliveries
                        SET status = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = now()
                        WHERE status = 'in_flight' AND lease_owner = :owner""")
                .setParameter("owner", owner)
                .executeUpdate();
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

    record Candidate(UUID id, UUID webhookId) {
    }

    record Claimed(UUID id, UUID eventId, String eventType, String body, int attempts, UUID webhookId, String url,
                   String secret, Map<String, String> headers, int timeoutSeconds, int retryCount) {
    }
}
