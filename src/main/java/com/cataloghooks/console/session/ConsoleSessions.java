package com.cataloghooks.console.session;

import com.cataloghooks.common.db.JdbcTransaction;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * The {@code console_sessions} table: one row per sign-in, keyed by the SHA-256 of a random session id that only the
 * browser's (encrypted) cookie holds, so the table alone cannot be replayed as cookies.
 */
@ApplicationScoped
public class ConsoleSessions {

    private static final int EXPIRED_PURGE_BATCH = 1000;

    private final AgroalDataSource dataSource;
    // per instance, made at run time: a static one would be seeded when the native image is built
    private final SecureRandom random = new SecureRandom();

    public ConsoleSessions(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the session and returns its id (what the cookie carries). Expired sessions are purged on the way. */
    String open(ConsoleCaller caller) {
        String id = randomToken();
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement purge = connection.prepareStatement("DELETE FROM console_sessions WHERE id_hash IN "
                    + "(SELECT id_hash FROM console_sessions WHERE expires_at < now() LIMIT " + EXPIRED_PURGE_BATCH + ")")) {
                purge.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO console_sessions "
                    + "(id_hash, principal, roles, credential, credential_ref, csrf_token, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, hash(id));
                insert.setString(2, caller.principal());
                insert.setString(3, String.join(",", caller.roles()));
                insert.setString(4, caller.credential());
                insert.setString(5, caller.credentialRef());
                insert.setString(6, caller.csrfToken());
                insert.setTimestamp(7, Timestamp.from(caller.expiresAt()));
                insert.executeUpdate();
            }
            return null;
        });
        return id;
    }

    /** The session's caller, if the session exists and has not expired. */
    Optional<ConsoleCaller> find(String id) {
        return JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT principal, roles, credential, "
                    + "credential_ref, csrf_token, expires_at FROM console_sessions WHERE id_hash = ? AND expires_at > now()")) {
                select.setString(1, hash(id));
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ConsoleCaller(row.getString(1),
                            new LinkedHashSet<>(Arrays.asList(row.getString(2).split(","))), row.getString(3),
                            row.getString(4), row.getString(5), row.getTimestamp(6).toInstant()));
                }
            }
        });
    }

    void close(String id) {
        JdbcTransaction.run(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
                delete.setString(1, hash(id));
                return delete.executeUpdate();
            }
        });
    }

    String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
