package com.cataloghooks.delivery.send;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Parsing only; that the wait is made is shown end to end in DeliveryEndToEndTest. */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void readsSecondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse("120", NOW));
        assertEquals(Duration.ofSeconds(30), RetryAfter.parse("Sat, 28 Nov 2026 12:00:30 GMT", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("Sat, 28 Nov 2026 11:00:00 GMT", NOW));
    }

    @Test
    void capsWhatNoArithmeticCouldHold() {
        assertEquals(Duration.ofDays(1), RetryAfter.parse("10000000000000000", NOW));
        assertEquals(Duration.ofDays(1), RetryAfter.parse("99999999999999999999999", NOW));
        assertEquals(Duration.ofDays(1), RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", NOW));
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertNull(RetryAfter.parse(null, NOW));
        assertNull(RetryAfter.parse("", NOW));
        assertNull(RetryAfter.parse("soon", NOW));
        assertNull(RetryAfter.parse("-5", NOW));
    }
}
