package com.cataloghooks.delivery.send;

import com.cataloghooks.delivery.history.ResponseText;
import com.cataloghooks.delivery.state.AttemptResult;
import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.webhook.RefusedTargetException;
import com.cataloghooks.webhook.TargetPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP POST to a receiver, bounded in every direction: connections are kept alive and pooled per host (at most
 * {@code connections-per-host}); the whole exchange ends at the webhook's timeout; the answer is read as a stream
 * and only its first {@code response-body-limit} characters are kept: once they are in, the connection is closed,
 * so a receiver answering gigabytes, or never finishing, costs a few kilobytes. Non-blocking: nothing waits on a
 * thread.
 * <p>
 * Unless every target is allowed ({@link TargetPolicy#allowsEverything}), the host is resolved and checked first,
 * and the request connects to the checked address while still naming the host (Host header, TLS server name and
 * certificate check): a DNS answer that changes after the check is never used.
 */
@ApplicationScoped
public class ReceiverHttp {

    private final Vertx vertx;
    private final TargetPolicy targets;
    private final HttpClient client;
    private final long connectTimeoutMs;
    private final int bodyLimit;

    public ReceiverHttp(Vertx vertx, CatalogConfig config, TargetPolicy targets) {
        this.vertx = vertx;
        this.targets = targets;
        this.connectTimeoutMs = config.delivery().connectTimeout().toMillis();
        this.bodyLimit = config.delivery().responseBodyLimit();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                .setTryUseCompression(false)
                .setVerifyHost(true)
                .setName("webhook-receivers");
        this.client = vertx.createHttpClient(options,
                new PoolOptions().setHttp1MaxSize(config.delivery().connectionsPerHost()));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    Uni<AttemptResult> post(OutgoingRequest request) {
        return post(request, null);
    }

    /** As {@link #post(OutgoingRequest)}, also copying the receiver's answer headers into {@code answerHeaders}. */
    Uni<AttemptResult> post(OutgoingRequest request, Map<String, String> answerHeaders) {
        return Uni.createFrom().emitter(emitter -> new Exchange(request, emitter, answerHeaders).start());
    }

    /** One request and its answer; ends exactly once, whichever comes first: the answer, a failure, the deadline. */
    private final class Exchange {
        private final OutgoingRequest request;
        private final UniEmitter<? super AttemptResult> emitter;
        private final Map<String, String> answerHeaders;
        private final long start = System.nanoTime();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile HttpClientRequest sent;
        private long timer;

        Exchange(OutgoingRequest request, UniEmitter<? super AttemptResult> emitter, Map<String, String> answerHeaders) {
            this.request = request;
            this.emitter = emitter;
            this.answerHeaders = answerHeaders;
        }

        void start() {
            long timeoutMs = request.timeoutSeconds() * 1000L;
            timer = vertx.setTimer(timeoutMs, id -> {
                if (end(AttemptResult.unanswered("timed out after " + request.timeoutSeconds() + " s", elapsedMs()))) {
                    abort();
                }
            });
            RequestOptions options;
            try {
                options = new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setAbsoluteURI(request.url())
                        .setFollowRedirects(false)
                        .setConnectTimeout(Math.min(connectTimeoutMs, timeoutMs))
                        .setIdleTimeout(timeoutMs);
                request.headers().forEach(options::putHeader);
            } catch (RuntimeException e) {
                end(AttemptResult.unanswered("invalid URL: " + e.getMessage(), elapsedMs()));
                return;
            }
            if (targets.allowsEverything()) {
                send(options);
                return;
            }
            // resolving blocks (the system resolver), so it runs on a worker; the deadline above still holds
            vertx.executeBlocking(() -> targets.pin(request.url()), false)
                    .onFailure(failure -> end(failure instanceof RefusedTargetException refused
                            ? AttemptResult.refused(refused.getMessage(), elapsedMs())
                            : AttemptResult.unanswered(describe(failure, request.timeoutSeconds()), elapsedMs())))
                    .onSuccess(address -> {
                        if (!ended.get()) {
                            send(options.setServer(SocketAddress.inetSocketAddress(address)));
                        }
                    });
        }

        private void send(RequestOptions options) {
            client.request(options)
                    .onFailure(this::failed)
                    .onSuccess(outgoing -> {
                        sent = outgoing;
                        if (ended.get()) {
                            abort();
                            return;
                        }
                        outgoing.send(Buffer.buffer(request.body()))
                                .onFailure(this::failed)
                                .onSuccess(this::answered);
                    });
        }

        private void answered(HttpClientResponse response) {
            if (answerHeaders != null) {
                synchronized (answerHeaders) {
                    response.headers().forEach(header -> answerHeaders.merge(header.getKey(), header.getValue(),
                            (a, b) -> a + ", " + b));
                }
            }
            ResponseText text = new ResponseText(bodyLimit);
            response.handler(chunk -> {
                if (text.add(chunk) && end(result(response, text))) {
                    abort(); // enough kept: the rest is not read
                }
            });
            response.exceptionHandler(failure -> end(result(response, text)));
            response.endHandler(done -> end(result(response, text)));
        }

        private AttemptResult result(HttpClientResponse response, ResponseText text) {
            return AttemptResult.answered(response.statusCode(), text.text(), elapsedMs(),
                    RetryAfter.parse(response.getHeader("Retry-After"), Instant.now()));
        }

        private void failed(Throwable failure) {
            end(AttemptResult.unanswered(describe(failure, request.timeoutSeconds()), elapsedMs()));
        }

        private boolean end(AttemptResult result) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            vertx.cancelTimer(timer);
            emitter.complete(result);
            return true;
        }

        /** Closes the connection: nothing more is read from it, and it goes back to no pool. */
        private void abort() {
            HttpClientRequest outgoing = sent;
            if (outgoing != null) {
                outgoing.reset();
            }
        }

        private int elapsedMs() {
            return (int) Duration.ofNanos(System.nanoTime() - start).toMillis();
        }
    }

    static String describe(Throwable failure, int timeoutSeconds) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root
                && !(root instanceof TimeoutException || root instanceof ConnectException)) {
            root = root.getCause();
        }
        if (root instanceof TimeoutException || root instanceof io.netty.channel.ConnectTimeoutException
                || root instanceof io.vertx.core.http.StreamResetException) {
            return "timed out after " + timeoutSeconds + " s";
        }
        if (root instanceof ConnectException) {
            return "connection failed: " + root.getMessage();
        }
        if (root instanceof UnknownHostException) {
            return "unknown host: " + root.getMessage();
        }
        if (root instanceof io.vertx.core.http.HttpClosedException) {
            return "connection closed by the receiver before it answered";
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
