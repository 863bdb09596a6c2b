package com.cataloghooks.webhook;

import com.cataloghooks.common.crypto.SecretCipher;
import com.cataloghooks.common.crypto.StoredSecrets;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Rewrites the stored secret and custom header values of webhooks, a batch at a time, each row locked while it is
 * rewritten. Used to encrypt values stored before encryption (the V5 migration) and to re-encrypt values under an
 * older key with the active one ({@link SecretReencryption}).
 */
public final class SecretRewrite {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };

    private SecretRewrite() {
    }

    /** Encrypts every webhook's plain values with the active key (rows written before encryption). */
    public static int encryptPlain(Connection connection, SecretCipher cipher) throws SQLException {
        return rewrite(connection, "TRUE", List.of(), value -> value, cipher);
    }

    /** Re-encrypts, with the active key, every value encrypted with another key; up to {@code limit} webhooks. */
    static int reencrypt(Connection connection, SecretCipher cipher, int limit) throws SQLException {
        String stale = "(secret IS NOT NULL AND split_part(secret, ':', 2) <> ?) OR EXISTS (SELECT 1 FROM "
                + "jsonb_each_text(headers) AS h(name, value) WHERE split_part(h.value, ':', 2) <> ?) LIMIT ?";
        return rewrite(connection, stale, List.of(cipher.activeKeyId(), cipher.activeKeyId(), limit), null, cipher);
    }

    /**
     * @param open how a stored value reads in clear (null: decrypt it with the cipher, for the given purpose)
     */
    private static int rewrite(Connection connection, String where, List<Object> parameters, UnaryOperator<String> open,
                               SecretCipher cipher) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, secret, CAST(headers AS text) FROM webhooks WHERE " + where + " FOR NO KEY UPDATE SKIP LOCKED")) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[]{rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)});
                }
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE webhooks SET secret = ?, headers = CAST(? AS jsonb) WHERE id = ?")) {
            for (Object[] row : rows) {
                String secret = (String) row[1];
                update.setString(1, secret == null ? null : cipher.encrypt(
                        open != null ? open.apply(secret) : cipher.decrypt(secret, StoredSecrets.SECRET),
                        StoredSecrets.SECRET));
                Map<String, String> headers = new LinkedHashMap<>();
                for (Map.Entry<String, String> header : readHeaders((String) row[2]).entrySet()) {
                    String value = open != null ? open.apply(header.getValue())
                            : cipher.decrypt(header.getValue(), StoredSecrets.HEADER);
                    headers.put(header.getKey(), cipher.encrypt(value, StoredSecrets.HEADER));
                }
                update.setString(2, writeHeaders(headers));
                update.setObject(3, row[0]);
                update.addBatch();
            }
            update.executeBatch();
        }
        return rows.size();
    }

    private static Map<String, String> readHeaders(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, HEADERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored webhook headers are not a JSON object of strings", e);
        }
    }

    private static String writeHeaders(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("headers are always writable as JSON", e);
        }
    }
}
