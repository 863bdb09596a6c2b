package com.cataloghooks.product;

import com.cataloghooks.common.error.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a keyset page ends: the sort key (created_at, id) of its last product, opaque to clients. Reading the
 * next page costs the same at any depth, unlike an offset, which the database has to count through.
 */
record ProductCursor(Instant createdAt, UUID id) {

    static ProductCursor after(Product last) {
        return new ProductCursor(last.getCreatedAt(), last.getId());
    }

    String encode() {
        String key = createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** @return null for an absent cursor */
    static ProductCursor decode(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
            int bar = key.indexOf('|');
            return new ProductCursor(Instant.parse(key.substring(0, bar)), UUID.fromString(key.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
            throw new InvalidInputException("after", "is not a cursor this API handed out (use next_cursor)");
        }
    }
}
