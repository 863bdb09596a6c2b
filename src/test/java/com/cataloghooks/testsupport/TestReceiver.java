package com.cataloghooks.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 standing in for a webhook subscriber: it records every request and answers with
 * scripted responses.
 * <pre>{@code
 * try (TestReceiver receiver = TestReceiver.start()) {
 *     receiver.respond("/hooks").times(2).with(500, "boom");   // then the default: 200 {"status":"ok"}
 *     receiver.respondAlways("/slow", 200, "{}", Duration.ofSeconds(30));
 *     String target = receiver.url("/hooks");                    // http://127.0.0.1:<port>/hooks
 *     ...
 *     List<TestReceiver.ReceivedRequest> calls = receiver.requests("/hooks");
 *     calls.get(0).header("x-signature");                        // case-insensitive
 * }
 * }</pre>
 * For each request to a path the answer is the next queued {@link #respond scripted response}, else that path's
 * {@link #respondAlways standing response}, else {@code 200 {"status":"ok"}}. Each request is handled on a thread
 * of its own, so a delayed (or {@link #hold held}) answer never holds up others. All methods are thread-safe.
 */
public final class TestReceiver implements AutoCloseable {

    /** What a path answers when nothing else is scripted. */
    public static final Response DEFAULT_RESPONSE = Response.of(200, "{\"status\":\"ok\"}", Duration.ZERO, Map.of());

    private final HttpServer server;
    private final ExecutorService executor;
    private final Object lock = new Object();
    private final List<ReceivedRequest> received = new ArrayList<>();
    private final Map<String, Deque<Response>> scripted = new HashMap<>();
    private final Map<String, Response> standing = new HashMap<>();
    private final Map<String, Gate> gates = new HashMap<>();

    private TestReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a receiver on a free port of 127.0.0.1. */
    public static TestReceiver start() {
        return start(0);
    }

    /** Starts a receiver on the given port of 127.0.0.1 (0: any free port), e.g. where a receiver was down. */
    public static TestReceiver start(int port) {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /** Starts a receiver on another local address (e.g. 127.0.0.2), any free port. */
    public static TestReceiver startOn(InetAddress address) {
        return start(address, 0);
    }

    private static TestReceiver start(InetAddress address, int port) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "test-receiver-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
            TestReceiver receiver = new TestReceiver(server, executor);
            server.createContext("/", receiver::handle);
            server.setExecutor(executor);
            server.start();
            return receiver;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Could not start the test receiver", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The absolute URL of {@code path} on this receiver, e.g. {@code http://127.0.0.1:41234/hooks}. */
    public String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port()
                + (path.startsWith("/") ? path : "/" + path);
    }

    /** Starts scripting the next responses of {@code path}; finish with {@link ResponseScript#with}. */
    public ResponseScript respond(String path) {
        return new ResponseScript(path);
    }

    /** From now on {@code path} answers {@code status} and {@code body}, after {@code delay}, once its queue is empty. */
    public void respondAlways(String path, int status, String body, Duration delay) {
        standing(path, Response.of(status, body, delay, Map.of()));
    }

    /** From now on {@code path} answers {@code status} with exactly these bytes (e.g. not valid UTF-8). */
    public void respondAlwaysWithBytes(String path, int status, byte[] body) {
        standing(path, new Response(status, body.clone(), 1, Duration.ZERO, Map.of()));
    }

    /**
     * From now on {@code path} answers {@code status} with a body that never ends: {@code chunk}, again and again,
     * until the client goes away or the receiver closes.
     */
    public void respondEndlessly(String path, int status, String chunk) {
        standing(path, new Response(status, chunk.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, Duration.ZERO,
                Map.of()));
    }

    private void standing(String path, Response response) {
        synchronized (lock) {
            standing.put(path, response);
        }
    }

    /** Like {@link #respondAlways(String, int, String, Duration)}, without delay. */
    public void respondAlways(String path, int status, String body) {
        respondAlways(path, status, body, Duration.ZERO);
    }

    /**
     * From now on requests to {@code path} are recorded on arrival and then held, unanswered, until the returned gate
     * opens (or the receiver closes): an attempt that ends exactly when a test says, whatever its timing.
     */
    public Gate hold(String path) {
        Gate gate = new Gate();
        synchronized (lock) {
            Gate previous = gates.put(path, gate);
            if (previous != null) {
                previous.open();
            }
        }
        return gate;
    }

    /** Holds the requests of one path (see {@link #hold}) until {@link #open}. */
    public static final class Gate {
        private final CountDownLatch open = new CountDownLatch(1);

        private Gate() {
        }

        /** Lets the held requests, and every later one, be answered. */
        public void open() {
            open.countDown();
        }
    }

    /** The requests received so far on {@code path} (query string excluded), oldest first; a snapshot. */
    public List<ReceivedRequest> requests(String path) {
        synchronized (lock) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    /** All requests received so far, oldest first; a snapshot. */
    public List<ReceivedRequest> requests() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /** Forgets all recorded requests and all scripted and standing responses. */
    public void reset() {
        synchronized (lock) {
            received.clear();
            scripted.clear();
            gates.values().forEach(Gate::open);
            gates.clear();
            standing.clear();
        }
    }

    /** Stops the server at once; handlers still waiting out a delay are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try { // HttpExchange is AutoCloseable only from JDK 18
            Instant arrivedAt = Instant.now();
            long arrivedNanos = System.nanoTime();
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Response response;
            Gate gate;
            synchronized (lock) {
                gate = gates.get(path);
                received.add(new ReceivedRequest(path, exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestMethod(), exchange.getRequestHeaders(), body, arrivedAt, arrivedNanos,
                        exchange.getRemoteAddress().getPort()));
                Deque<Response> queue = scripted.get(path);
                response = queue != null && !queue.isEmpty() ? queue.poll()
                        : standing.getOrDefault(path, DEFAULT_RESPONSE);
            }
            if (gate != null) {
                try {
                    gate.open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // closing: drop the connection unanswered
                }
            }
            if (!response.delay().isZero()) {
                try {
                    Thread.sleep(response.delay().toMillis()); // simulates a slow subscriber, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // closing: drop the connection unanswered
                }
            }
            send(exchange, response);
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = response.body();
        String trimmed = new String(bytes, StandardCharsets.UTF_8).stripLeading();
        exchange.getResponseHeaders().set("Content-Type",
                trimmed.startsWith("{") || trimmed.startsWith("[") ? "application/json" : "text/plain; charset=utf-8");
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (response.copies() > 1) {
            exchange.sendResponseHeaders(response.status(), 0); // 0: chunked, length unknown
            try (OutputStream out = exchange.getResponseBody()) {
                for (long i = 0; i < response.copies(); i++) {
                    out.write(bytes); // ends with an IOException once the client has closed the connection
                }
            } catch (IOException gone) {
                // the client stopped reading: what an endless body is for
            }
            return;
        }
        // -1: no body at all (required for 204 and 304).
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Builds scripted responses for one path: {@code respond("/a").times(3).delayedBy(d).header("Retry-After", "1")
     * .with(503, "")}. Scripted responses are used once each, in order, before the path's standing response.
     */
    public final class ResponseScript {
        private final String path;
        private int times = 1;
        private Duration delay = Duration.ZERO;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private ResponseScript(String path) {
            this.path = path;
        }

        /** How many requests get this response (default 1). */
        public ResponseScript times(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("times must be at least 1: " + count);
            }
            this.times = count;
            return this;
        }

        /** Waits this long before answering (the request is recorded on arrival). */
        public ResponseScript delayedBy(Duration delay) {
            this.delay = delay;
            return this;
        }

        /** Adds a response header (it replaces the derived Content-Type if so named). */
        public ResponseScript header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Queues the response {@code times} times; returns the receiver for further scripting. */
        public TestReceiver with(int status, String body) {
            Response response = Response.of(status, body, delay, Map.copyOf(headers));
            synchronized (lock) {
                Deque<Response> queue = scripted.computeIfAbsent(path, p -> new ArrayDeque<>());
                for (int i = 0; i < times; i++) {
                    queue.add(response);
                }
            }
            return TestReceiver.this;
        }
    }

    /** An answer: status, body (sent {@code copies} times in a row), delay before answering, extra headers. */
    public record Response(int status, byte[] body, long copies, Duration delay, Map<String, String> headers) {

        static Response of(int status, String body, Duration delay, Map<String, String> headers) {
            return new Response(status, body.getBytes(StandardCharsets.UTF_8), 1, delay, headers);
        }
    }

    /**
     * One recorded request.
     *
     * @param path         the URI path, without query string
     * @param query        the raw query string, or null
     * @param headers      all request headers; lookup by name is case-insensitive
     * @param receivedAt   wall-clock arrival time
     * @param receivedNanos {@link System#nanoTime()} at arrival, for measuring gaps between requests
     * @param remotePort    the client's port: requests sharing one came over the same (kept-alive) connection
     */
    public record ReceivedRequest(String path, String query, String method, Map<String, List<String>> headers,
                                  byte[] body, Instant receivedAt, long receivedNanos, int remotePort) {

        public ReceivedRequest {
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
            headers = Collections.unmodifiableMap(copy);
            body = body.clone();
        }

        /** The raw body bytes (a copy). */
        @Override
        public byte[] body() {
            return body.clone();
        }

        /** The body decoded as UTF-8. */
        public String bodyAsString() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a header, case-insensitively, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " at " + receivedAt + " ("
                    + body.length + " bytes)";
        }
    }
}
