package com.cataloghooks.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates products at a steady pace ({@code POST /api/v1/products}), round-robin over one or more services, and
 * records every answer. A write counts as committed only when the API answered 2xx: a refused connection, a 5xx or
 * a timeout means the write was never acknowledged (it may or may not have happened).
 * <pre>{@code
 * LoadGenerator load = LoadGenerator.start(List.of(service.baseUrl()), 20, 300, "KILL");
 * await().until(load::isDone);
 * load.committed();   // one product.created event each
 * }</pre>
 * Requests are sent asynchronously on the tick, so a slow or hanging answer never lowers the pace; each one is
 * bounded by {@link #REQUEST_TIMEOUT}.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Longer than any answer the service should ever take: a write still open after this counts as a hang. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> baseUrls;
    private final int total;
    private final String skuPrefix;
    private final ExecutorService httpExecutor = Executors.newCachedThreadPool(daemon("load-http"));
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(httpExecutor)
            .build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("load-ticker"));
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Write> writes = new ArrayList<>();
    private volatile int finishedAt = Integer.MAX_VALUE;

    private LoadGenerator(List<String> baseUrls, int total, String skuPrefix) {
        this.baseUrls = List.copyOf(baseUrls);
        this.total = total;
        this.skuPrefix = skuPrefix;
    }

    /**
     * Starts sending {@code total} creates at {@code perSecond}, the i-th to {@code baseUrls[i % n]}.
     */
    public static LoadGenerator start(List<String> baseUrls, int perSecond, int total, String skuPrefix) {
        LoadGenerator load = new LoadGenerator(baseUrls, total, skuPrefix);
        long periodMicros = 1_000_000L / perSecond;
        load.ticker.scheduleAtFixedRate(load::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
        return load;
    }

    /** Writes sent so far. */
    public int sent() {
        return sent.get();
    }

    /** Whether every write has been sent and answered (or has failed). */
    public boolean isDone() {
        synchronized (writes) {
            return writes.size() == Math.min(total, finishedAt);
        }
    }

    /** Sends no more writes; {@link #isDone()} once those already sent are answered. */
    public void finish() {
        ticker.shutdown();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finishedAt = Math.min(sent.get(), total);
    }

    /** Every finished write, in the order they were sent. */
    public List<Write> writes() {
        synchronized (writes) {
            return writes.stream().sorted(Comparator.comparingInt(Write::seq)).toList();
        }
    }

    /** The writes the API acknowledged (2xx with a product id): each is one committed event. */
    public List<Write> committed() {
        return writes().stream().filter(Write::committed).toList();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private void tick() {
        int seq = sent.getAndIncrement();
        if (seq >= total) {
            ticker.shutdown();
            return;
        }
        String target = baseUrls.get(seq % baseUrls.size());
        String sku = skuPrefix + "-" + seq + "-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"sku\":\"" + sku + "\",\"name\":\"Load " + seq + "\",\"description\":\"fault injection\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(target + "/api/v1/products"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Authorization", TestAuth.BEARER)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        Instant sentAt = Instant.now();
        long sentNanos = System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer;
        try {
            answer = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> record(new Write(seq, target, sku, sentAt, sentNanos,
                System.nanoTime(),
                response == null ? 0 : response.statusCode(),
                response == null ? null : response.headers().firstValue("Content-Type").orElse(null),
                response == null ? null : productId(response),
                failure == null ? null : describe(failure))));
    }

    private void record(Write write) {
        synchronized (writes) {
            writes.add(write);
        }
    }

    private static String productId(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            return null;
        }
        try {
            JsonNode id = JSON.readTree(response.body()).get("id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null && failure instanceof java.util.concurrent.CompletionException
                ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * One write and its outcome.
     *
     * @param status      HTTP status, 0 when no answer came (connection refused, reset, timed out)
     * @param productId   the created product's id when the API acknowledged the write
     * @param error       why no answer came, or null
     */
    public record Write(int seq, String target, String sku, Instant sentAt, long sentNanos, long answeredNanos,
                        int status, String contentType, String productId, String error) {

        public boolean committed() {
            return status / 100 == 2 && productId != null;
        }

        public Duration latency() {
            return Duration.ofNanos(answeredNanos - sentNanos);
        }

        public Instant answeredAt() {
            return sentAt.plus(latency());
        }

        @Override
        public String toString() {
            return "#" + seq + " " + target + " -> " + (status == 0 ? error : status + " " + contentType) + " in "
                    + latency().toMillis() + " ms";
        }
    }
}
