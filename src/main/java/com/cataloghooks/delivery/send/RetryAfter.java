package com.cataloghooks.delivery.send;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
final class RetryAfter {

    private static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    /** @return the wait asked for, zero for a date in the past, or null when the header is absent or unreadable */
    static Duration parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            // anything beyond a day is capped later anyway; cap here so no arithmetic can overflow
            return value.length() > 6 ? MAX : Duration.ofSeconds(Math.min(Long.parseLong(value), MAX.toSeconds()));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (!at.isAfter(now)) {
                return Duration.ZERO;
            }
            Duration wait = Duration.between(now, at);
            return wait.compareTo(MAX) > 0 ? MAX : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
