package com.cataloghooks.soak;

import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the end of the run shows, read once everything has settled: the database's outbox, deliveries, attempt logs
 * and the soak's audit of finished deliveries; each webhook's counters as the API answers them; the receivers'
 * requests; the replicas' log files. {@link Invariants} judges it against the {@link History}.
 */
final class Observed {

    record OutboxEvent(String id, String type, String aggregateId, JsonNode data, Instant createdAt,
                       Instant publishedAt) {
        String name() {
            return data == null || data.get("name") == null ? null : data.get("name").asText();
        }
    }

    record Delivery(String id, String eventId, String webhookId, String status, int attempts, Instant createdAt,
                    Instant eventAt, String leaseOwner, Instant leaseUntil, String lastError) {
    }

    record Counters(long success, long failure) {
    }

    final List<OutboxEvent> outbox = new ArrayList<>();
    /** By (event id, webhook id). */
    final Map<String, Delivery> deliveries = new HashMap<>();
    /** Non-test attempts answered 2xx, by webhook. */
    final Map<String, Long> successLogs = new HashMap<>();
    /** Transitions to succeeded / failed written in the database, by webhook ({@code soak_finished}). */
    final Map<String, Counters> finished = new HashMap<>();
    /** Each webhook's counters as {@code GET /webhooks/{id}} answers them. */
    final Map<String, Counters> apiCounters = new HashMap<>();
    final List<Delivery> inFlightPastLease = new ArrayList<>();
    /**
     * Deliveries with more than one attempt row written by one transaction: a recorder batch that held the late
     * answer of a claim taken over besides the current claim's ({@code delivery id: attempts, statuses, xmin}).
     */
    final List<String> twoAttemptsInOneTransaction = new ArrayList<>();
    /** Final status (and products deleted) of the run's tasks, by task id. */
    final Map<String, String> taskStatus = new HashMap<>();
    /** The webhooks table's stored secrets and headers, as text, by webhook. */
    final Map<String, String> storedSecrets = new HashMap<>();
    final Map<String, String> logFiles = new HashMap<>();
    List<ReceivedRequest> requests = List.of();
    /** Where each event is on {@code product-events} ({@code partition@offset}, several if published again). */
    Map<String, String> topicPositions = Map.of();
    long deadLetters;

    static String key(String eventId, String webhookId) {
        return eventId + "/" + webhookId;
    }

    Delivery delivery(String eventId, String webhookId) {
        return deliveries.get(key(eventId, webhookId));
    }

    static Observed collect(Cluster cluster, History history, Receivers receivers, ApiClient api, Instant runStart,
                            long deadLettersBefore) throws Exception {
        Observed o = new Observed();
        List<String> webhookIds = history.webhooks().stream().map(WebhookRecord::id)
                .filter(id -> id != null).toList();
        try (Connection c = cluster.jdbc()) {
            o.readOutbox(c, runStart);
            o.readDeliveries(c, webhookIds);
            o.readCounts(c, webhookIds);
            o.readTasks(c, history.tasks().stream().map(History.Task::taskId).toList());
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, concat_ws(' ', secret, previous_secret, headers::text) FROM webhooks");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    o.storedSecrets.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        java.util.Random random = new java.util.Random(0);
        for (WebhookRecord webhook : history.webhooks()) {
            if (webhook.exists()) {
                ApiClient.Answer answer = api.get("webhook stats (end)", random, "/api/v1/webhooks/" + webhook.id());
                if (answer.ok()) {
                    o.apiCounters.put(webhook.id(), new Counters(answer.json().path("success_count").asLong(),
                            answer.json().path("failure_count").asLong()));
                }
            }
        }
        o.requests = receivers.all();
        o.deadLetters = cluster.deadLetters() - deadLettersBefore;
        o.topicPositions = cluster.topicPositions();
        for (Path log : cluster.logs()) {
            try {
                o.logFiles.put(log.toString(), Files.readString(log, StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                o.logFiles.put(log.toString(), "");
            }
        }
        return o;
    }

    private void readOutbox(Connection c, Instant since) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, event_type, aggregate_id, payload, created_at, "
                + "published_at FROM outbox_events WHERE created_at >= ?")) {
            s.setTimestamp(1, Timestamp.from(since.minusSeconds(5)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    JsonNode payload;
                    try {
                        payload = ApiClient.JSON.readTree(rs.getString(4));
                    } catch (IOException e) {
                        payload = null;
                    }
                    outbox.add(new OutboxEvent(rs.getString(1), rs.getString(2), rs.getString(3),
                            payload == null ? null : payload.get("data"), rs.getTimestamp(5).toInstant(),
                            instant(rs.getTimestamp(6))));
                }
            }
        }
    }

    private void readDeliveries(Connection c, List<String> webhookIds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, event_id, webhook_id, status, attempts, created_at, event_at, lease_owner, lease_until,
                       last_error
                FROM webhook_deliveries WHERE webhook_id = ANY (?::uuid[])""")) {
            s.setArray(1, c.createArrayOf("text", webhookIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Delivery d = new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), rs.getString(8),
                            instant(rs.getTimestamp(9)), rs.getString(10));
                    deliveries.put(key(d.eventId(), d.webhookId()), d);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, event_id, webhook_id, status, attempts, created_at, event_at, lease_owner, lease_until,
                       last_error
                FROM webhook_deliveries WHERE status = 'in_flight' AND lease_until < now()""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                inFlightPastLease.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                        rs.getString(8), instant(rs.getTimestamp(9)), rs.getString(10)));
            }
        }
    }

    private void readCounts(Connection c, List<String> webhookIds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT webhook_id, count(*) FROM webhook_logs
                WHERE NOT test AND status_code BETWEEN 200 AND 299 AND webhook_id = ANY (?::uuid[])
                GROUP BY webhook_id""")) {
            s.setArray(1, c.createArrayOf("text", webhookIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    successLogs.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT webhook_id, delivery_id, xmin::text, array_agg(attempt ORDER BY created_at)::text,
                       array_agg(coalesce(status_code::text, error) ORDER BY created_at)::text
                FROM webhook_logs
                WHERE NOT test AND delivery_id IS NOT NULL AND webhook_id = ANY (?::uuid[])
                GROUP BY webhook_id, delivery_id, xmin::text HAVING count(*) > 1""")) {
            s.setArray(1, c.createArrayOf("text", webhookIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    twoAttemptsInOneTransaction.add("webhook " + rs.getString(1) + ", delivery " + rs.getString(2)
                            + ": attempts " + rs.getString(4) + " answered " + rs.getString(5)
                            + " written by one transaction (xmin " + rs.getString(3) + ")");
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT webhook_id, count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'failed')
                FROM soak_finished GROUP BY webhook_id""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                finished.put(rs.getString(1), new Counters(rs.getLong(2), rs.getLong(3)));
            }
        }
    }

    private void readTasks(Connection c, List<String> taskIds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, status FROM import_tasks WHERE id = ANY (?::uuid[])")) {
            s.setArray(1, c.createArrayOf("text", taskIds.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    taskStatus.put(rs.getString(1), rs.getString(2));
                }
            }
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
