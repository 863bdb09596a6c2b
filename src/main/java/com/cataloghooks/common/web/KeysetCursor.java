package com.cataloghooks.common.web;

import com.cataloghooks.common.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a keyset page ends: the sort key (created_at, id) of its last row, opaque to clients. Reading the next page
 * costs the same at any depth, unlike an offset, which the database has to count through.
 */
public record KeysetCursor(Instant createdAt, UUID id) {

    public String encode() {
        String key = createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param parameter the query parameter it came in, named in the 400
     * @return null for an absent cursor
     */
    public static KeysetCursor decode(String raw, String parameter) {
        if (raw == null) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
            int bar = key.indexOf('|');
            return new KeysetCursor(Instant.parse(key.substring(0, bar)), UUID.fromString(key.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
            throw new InvalidInputException(parameter, "is not a cursor this API handed out (use next_cursor)");
        }
    }
}
