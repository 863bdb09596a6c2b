package com.cataloghooks.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark's webhook receiver: a Vert.x HTTP server on 127.0.0.1 that answers at once, so that it is never
 * what a delivery figure measures ({@code TestReceiver} serves each request on a thread of its own and keeps every
 * request, which is right for asserting on requests, not for thousands per second).
 *
 * <p>Paths under {@value #FAILING} answer 500; every other path answers 200 and notes, per path, when the first
 * request for each product arrived (the body's {@code data.id}, read when the whole body is in), so a retried
 * delivery counts once. Times are {@link System#nanoTime()} of this JVM, the clock the load side uses too.
 */
final class FastReceiver implements AutoCloseable {

    /** Paths under this prefix answer 500 at once. */
    static final String FAILING = "/fail/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK_BODY = "{\"status\":\"ok\"}";
    private static final String FAIL_BODY = "{\"error\":\"benchmark receiver fails this path\"}";

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, PathTally> paths = new ConcurrentHashMap<>();

    /** What one path received: every request, and the first arrival of each product. */
    private static final class PathTally {
        final LongAdder requests = new LongAdder();
        final Map<String, Long> firstByProduct = new ConcurrentHashMap<>();
    }

    private FastReceiver(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts a receiver on a free port of 127.0.0.1. */
    static FastReceiver start() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
            FastReceiver receiver = new FastReceiver(vertx, server);
            server.requestHandler(receiver::handle);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return receiver;
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /**
     * What this receiver takes over loopback: POSTs of {@code body} to {@code path} from a Vert.x client (the kind
     * the service sends with) of its own, {@code concurrency} requests in flight on as many kept-alive connections,
     * for {@code time} after an unmeasured {@code warmUp}. Fails if any answer is not 200.
     */
    double postsPerSecond(String path, String body, int concurrency, Duration warmUp, Duration time) throws Exception {
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                    .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()),
                    new PoolOptions().setHttp1MaxSize(concurrency));
            Buffer payload = Buffer.buffer(body);
            postUntil(client, path, payload, concurrency, System.nanoTime() + warmUp.toNanos(), new AtomicLong(),
                    warmUp);
            AtomicLong answered = new AtomicLong();
            long t0 = System.nanoTime();
            postUntil(client, path, payload, concurrency, t0 + time.toNanos(), answered, time);
            return answered.get() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void postUntil(HttpClient client, String path, Buffer body, int concurrency, long endNanos,
                                  AtomicLong answered, Duration time) throws Exception {
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            postNext(client, path, body, endNanos, answered, lane);
            lanes.add(lane);
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
                .get(time.toSeconds() + 30, TimeUnit.SECONDS);
    }

    /** One lane: the next POST as soon as the previous one is answered, until {@code endNanos}. */
    private static void postNext(HttpClient client, String path, Buffer body, long endNanos, AtomicLong answered,
                                 CompletableFuture<Void> lane) {
        if (System.nanoTime() >= endNanos) {
            lane.complete(null);
            return;
        }
        client.request(HttpMethod.POST, path)
                .compose(request -> request.putHeader("Content-Type", "application/json").send(body))
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : Future.failedFuture("the receiver answered " + response.statusCode()))
                .onComplete(result -> {
                    if (result.failed()) {
                        lane.completeExceptionally(result.cause());
                    } else {
                        answered.incrementAndGet();
                        postNext(client, path, body, endNanos, answered, lane);
                    }
                });
    }

    /** When the first delivery of {@code productId} reached {@code path} (nanoTime), or -1 if none has. */
    long firstArrival(String path, String productId) {
        PathTally tally = paths.get(path);
        Long nanos = tally == null ? null : tally.firstByProduct.get(productId);
        return nanos == null ? -1 : nanos;
    }

    /** Requests received on {@code path}, retries included. */
    long requests(String path) {
        PathTally tally = paths.get(path);
        return tally == null ? 0 : tally.requests.sum();
    }

    /** Requests received on every path that starts with {@code prefix}, retries included. */
    long requestsUnder(String prefix) {
        return paths.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().requests.sum()).sum();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        boolean failing = path.startsWith(FAILING);
        request.body().onComplete(body -> {
            long arrived = System.nanoTime();
            PathTally tally = paths.computeIfAbsent(path, p -> new PathTally());
            tally.requests.increment();
            if (!failing && body.succeeded()) {
                tally.firstByProduct.putIfAbsent(productId(body.result()), arrived);
            }
            request.response().setStatusCode(failing ? 500 : 200).putHeader("Content-Type", "application/json")
                    .end(failing ? FAIL_BODY : OK_BODY);
        });
    }

    /** The webhook payload's {@code data.id} ({@code {"event":..,"timestamp":..,"data":{"id":..}}}), or "". */
    private static String productId(Buffer body) {
        try {
            JsonNode id = JSON.readTree(body.getBytes()).path("data").path("id");
            return id.isTextual() ? id.asText() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
