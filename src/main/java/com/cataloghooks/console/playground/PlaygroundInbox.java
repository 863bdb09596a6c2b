package com.cataloghooks.console.playground;

import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.common.db.JdbcTransaction;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The playground's built-in inbox: the {@code playground_inbox} table, so a page served by any replica shows the
 * same requests. Bounded: at most {@value #MAX_PER_PRINCIPAL} requests per signed-in principal (the oldest go), each
 * for {@link #LIFETIME}, bodies of at most {@value #MAX_BODY_BYTES} bytes; expired rows are purged on every write.
 */
@ApplicationScoped
public class PlaygroundInbox {

    public static final int MAX_PER_PRINCIPAL = 50;
    static final Duration LIFETIME = Duration.ofHours(1);
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int EXPIRED_PURGE_BATCH = 1000;
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };

    /** One kept request; {@code playgroundSecret} is open (decrypted) here, sealed in the table. */
    public record Entry(UUID id, Instant receivedAt, Instant expiresAt, UUID webhookId, String playgroundSecret,
                        String event, String url, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return "Entry[id=" + id + ", event=" + event + "]"; // never the secret
        }
    }

    private final AgroalDataSource dataSource;
    private final StoredSecrets secrets;
    private final ObjectMapper mapper;

    public PlaygroundInbox(AgroalDataSource dataSource, StoredSecrets secrets, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.mapper = mapper;
    }

    /** Keeps a request for {@code principal}; purges expired rows and the principal's oldest beyond the bound. */
    public void store(String principal, UUID webhookId, String playgroundSecret, String event, String url,
               Map<String, String> headers, String body) {
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("body over " + MAX_BODY_BYTES + " bytes");
        }
        String headersJson;
        try {
            headersJson = mapper.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement purge = connection.prepareStatement("DELETE FROM playground_inbox WHERE id IN "
                    + "(SELECT id FROM playground_inbox WHERE expires_at < now() LIMIT " + EXPIRED_PURGE_BATCH + ")")) {
                purge.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO playground_inbox (id, principal, "
                    + "received_at, expires_at, webhook_id, playground_secret, event, url, headers, body) "
                    + "VALUES (?, ?, clock_timestamp(), clock_timestamp() + ?::interval, ?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, principal);
                insert.setString(3, LIFETIME.toSeconds() + " seconds");
                insert.setObject(4, webhookId);
                insert.setString(5, secrets.sealSecret(playgroundSecret));
                insert.setString(6, event);
                insert.setString(7, url);
                insert.setString(8, headersJson);
                insert.setString(9, body);
                insert.executeUpdate();
            }
            try (PreparedStatement trim = connection.prepareStatement("DELETE FROM playground_inbox WHERE principal = ? "
                    + "AND id NOT IN (SELECT id FROM playground_inbox WHERE principal = ? ORDER BY received_at DESC LIMIT "
                    + MAX_PER_PRINCIPAL + ")")) {
                trim.setString(1, principal);
                trim.setString(2, principal);
                trim.executeUpdate();
            }
            return null;
        });
    }

    /** The principal's requests that have not expired, newest first. */
    public List<Entry> list(String principal) {
        return JdbcTransaction.run(dataSource, connection -> {
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id, received_at, expires_at, webhook_id, "
                    + "playground_secret, event, url, headers, body FROM playground_inbox WHERE principal = ? "
                    + "AND expires_at > now() ORDER BY received_at DESC LIMIT " + MAX_PER_PRINCIPAL)) {
                select.setString(1, principal);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        entries.add(new Entry(row.getObject(1, UUID.class), instant(row.getTimestamp(2)),
                                instant(row.getTimestamp(3)), row.getObject(4, UUID.class),
                                secrets.openSecret(row.getString(5)), row.getString(6), row.getString(7),
                                headers(row.getString(8)), row.getString(9)));
                    }
                }
            }
            return entries;
        });
    }

    /** Empties the principal's inbox. */
    void clear(String principal) {
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM playground_inbox WHERE principal = ?")) {
                delete.setString(1, principal);
                return delete.executeUpdate();
            }
        });
    }

    private Map<String, String> headers(String json) {
        try {
            return mapper.readValue(json, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable inbox headers", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
