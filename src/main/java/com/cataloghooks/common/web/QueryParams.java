package com.cataloghooks.common.web;

import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.NotFoundException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Parses query and path parameters by hand: the framework's own conversion answers a bare 404 for
 * {@code ?limit=abc}, where clients deserve a 400 naming the parameter.
 */
public final class QueryParams {

    private QueryParams() {
    }

    public static int intParam(String name, String raw, int defaultValue, int min, int max) {
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name, "must be an integer");
        }
        if (value < min || value > max) {
            throw new InvalidInputException(name, max == Integer.MAX_VALUE
                    ? "must be at least " + min
                    : "must be between " + min + " and " + max);
        }
        return (int) value;
    }

    /** {@code true} or {@code false} (any case); absent or empty means no filter. */
    public static Boolean boolParam(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if ("true".equalsIgnoreCase(raw)) {
            return Boolean.TRUE;
        }
        if ("false".equalsIgnoreCase(raw)) {
            return Boolean.FALSE;
        }
        throw new InvalidInputException(name, "must be true or false");
    }

    /** Optional free-text filter: blank means none; long values are refused rather than searched. */
    public static String textParam(String name, String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (raw.length() > maxLength) {
            throw new InvalidInputException(name, "must be at most " + maxLength + " characters");
        }
        return raw.trim();
    }

    /** A resource id in the path: one that is not a UUID names nothing that exists, hence 404. */
    public static UUID pathId(String what, String raw) {
        try {
            if (raw != null && raw.length() == 36) {
                return UUID.fromString(raw);
            }
        } catch (IllegalArgumentException e) {
            // falls through to not found
        }
        throw new NotFoundException(what, raw);
    }

    /** An ISO-8601 instant ({@code 2026-12-01T08:00:00Z}); absent or empty means none. */
    public static Instant instantParam(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, "must be an ISO-8601 instant such as 2026-12-01T08:00:00Z");
        }
    }

    /** One of {@code allowed}; absent or empty means none. */
    public static String oneOf(String name, String raw, List<String> allowed) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!allowed.contains(raw)) {
            throw new InvalidInputException(name, "must be one of " + allowed);
        }
        return raw;
    }
}
