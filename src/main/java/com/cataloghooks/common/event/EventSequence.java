package com.cataloghooks.common.event;

import java.nio.charset.StandardCharsets;

/**
 * An event's number in commit order (the outbox's {@code seq}), carried to the consumer in a Kafka header so that
 * ordered webhooks follow the order of the database rather than of clocks.
 */
public final class EventSequence {

    /** The Kafka header that carries it, as decimal ASCII. */
    public static final String HEADER = "catalog-event-seq";

    private EventSequence() {
    }

    public static byte[] encode(long seq) {
        return Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the number, or null when absent or not a number (a record published before events were numbered) */
    public static Long decode(byte[] header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(new String(header, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
