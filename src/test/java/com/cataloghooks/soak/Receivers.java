package com.cataloghooks.soak;

import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's receivers: one real HTTP server on loopback ({@link TestReceiver}, which records every request with its
 * headers and body on arrival), one path per webhook, each path answering as its {@link Kind} says. Signatures are
 * verified afterwards against the secrets the run gave each webhook ({@link Invariants}).
 */
final class Receivers implements AutoCloseable {

    /** How a receiver answers. */
    enum Kind {
        /** 200 at once. */
        OK,
        /** 500, always. */
        FAIL,
        /** 200, but only after {@link #HANG_DELAY}: longer than its webhook's timeout, so every attempt times out. */
        HANG,
        /** 410 Gone: the first attempt deactivates its webhook. */
        GONE,
        /** Changes its mind: 500 for its first few requests, then 200 for good. */
        FLAKY;

        /** Whether the receiver ever answers 2xx in time: events must then arrive, not only be planned. */
        boolean succeeds() {
            return this == OK || this == FLAKY;
        }
    }

    static final Duration HANG_DELAY = Duration.ofSeconds(3);

    private final TestReceiver server = TestReceiver.start();
    private final AtomicInteger paths = new AtomicInteger();
    private final Map<String, Integer> failFirst = new ConcurrentHashMap<>();

    /** A new path answering as {@code kind}; a flaky one fails its first 2 to 8 requests. */
    String allocate(Kind kind, Random random) {
        String path = "/soak/" + kind.name().toLowerCase() + "-" + paths.incrementAndGet();
        switch (kind) {
            case OK -> {
            }
            case FAIL -> server.respondAlways(path, 500, "{\"error\":\"soak: always failing\"}");
            case HANG -> server.respondAlways(path, 200, "{\"status\":\"late\"}", HANG_DELAY);
            case GONE -> server.respondAlways(path, 410, "{\"error\":\"soak: gone\"}");
            case FLAKY -> {
                int failures = 2 + random.nextInt(7);
                failFirst.put(path, failures);
                server.respond(path).times(failures).with(500, "{\"error\":\"soak: not yet\"}");
            }
        }
        return path;
    }

    String url(String path) {
        return server.url(path);
    }

    List<ReceivedRequest> requests(String path) {
        return server.requests(path);
    }

    List<ReceivedRequest> all() {
        return server.requests();
    }

    /**
     * Whether the {@code index}-th request (0-based, in arrival order) on {@code path} of this kind was answered
     * 2xx in time: the server answers each path's requests in the order it records them.
     */
    boolean answeredSuccess(Kind kind, String path, int index) {
        return switch (kind) {
            case OK -> true;
            case FLAKY -> index >= failFirst.getOrDefault(path, 0);
            default -> false;
        };
    }

    @Override
    public void close() {
        server.close();
    }
}
