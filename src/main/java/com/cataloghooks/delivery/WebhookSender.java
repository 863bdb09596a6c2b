package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends webhook requests; the only caller of {@link WebhookReceiverClient}.
 * <p>
 * {@link #deliver} makes up to {@code 1 + retry_count} attempts: {@code @Retry} with {@code @ExponentialBackoff}
 * waits {@code backoff-base * 2^(n-1)} between them without holding a thread, and retries only on
 * {@link RetryableAttemptException}, which this class throws for timeouts, connection errors and non-2xx answers
 * other than {@code 410 Gone}; a longer {@code Retry-After} (on 429/503) is honoured up to {@code backoff-max}. Each attempt is bounded by the webhook's own {@code timeout_seconds};
 * {@code @Timeout} is only the outer ceiling of an attempt plus any {@code Retry-After} wait it adds. The static values below are overridden from application.properties
 * ({@code quarkus.fault-tolerance."com.cataloghooks.delivery.WebhookSender/deliver".*}).
 */
@ApplicationScoped
public class WebhookSender {

    private final WebhookReceiverClient client;
    private final Backoff backoff;
    private final int bodyLimit;

    public WebhookSender(@RestClient WebhookReceiverClient client, Backoff backoff, CatalogConfig config) {
        this.client = client;
        this.backoff = backoff;
        this.bodyLimit = config.delivery().responseBodyLimit();
    }

    @AsynchronousNonBlocking
    @Retry(maxRetries = 10, delay = 2000, jitter = 0, maxDuration = 1, durationUnit = ChronoUnit.DAYS,
            retryOn = RetryableAttemptException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1, maxDelayUnit = ChronoUnit.HOURS)
    @Timeout(value = 70, unit = ChronoUnit.MINUTES)
    public Uni<AttemptResult> deliver(DeliveryJob job) {
        if (job.isHalted()) {
            return Uni.createFrom().failure(new DeliveryHaltedException());
        }
        int attempt = job.startAttempt();
        return send(job.request())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(result -> {
                    try {
                        boolean last = !result.retryable() || attempt >= job.maxAttempts();
                        if (!job.report(attempt, result, last)) {
                            throw new LeaseLostException();
                        }
                        return result;
                    } finally {
                        job.attemptEnded();
                    }
                })
                .onItem().transformToUni(result -> {
                    if (!result.retryable() || attempt >= job.maxAttempts()) {
                        return Uni.createFrom().item(result);
                    }
                    // @ExponentialBackoff waits the scheduled time next; a longer Retry-After is made up here.
                    int retry = job.retryNumberAfter(attempt);
                    long extra = backoff.effective(retry, result.retryAfter()) - backoff.scheduled(retry);
                    Uni<AttemptResult> failed = Uni.createFrom().failure(new RetryableAttemptException(result));
                    return extra <= 0 ? failed : failed.onFailure().call(() ->
                            Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(extra)));
                });
    }

    /** Exactly one attempt, no retry: what the webhook test endpoint uses. */
    public Uni<AttemptResult> sendOnce(OutgoingRequest request) {
        return send(request);
    }

    private Uni<AttemptResult> send(OutgoingRequest request) {
        long start = System.nanoTime();
        Duration timeout = Duration.ofSeconds(request.timeoutSeconds());
        return client.post(request.url(), request.headers(), request.body())
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException())
                .map(response -> answered(response, start))
                .onFailure().recoverWithItem(failure -> AttemptResult.unanswered(
                        describe(failure, request.timeoutSeconds()), elapsedMs(start)));
    }

    private AttemptResult answered(Response response, long start) {
        try (response) {
            String body = response.hasEntity() ? response.readEntity(String.class) : null;
            return AttemptResult.answered(response.getStatus(), truncate(body), elapsedMs(start),
                    RetryAfter.parse(response.getHeaderString("Retry-After"), Instant.now()));
        }
    }

    private String truncate(String body) {
        if (body == null || body.length() <= bodyLimit) {
            return body;
        }
        return body.substring(0, bodyLimit);
    }

    private static int elapsedMs(long start) {
        return (int) Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static String describe(Throwable failure, int timeoutSeconds) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof TimeoutException || root instanceof ConnectException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof TimeoutException || root instanceof io.vertx.core.http.StreamResetException) {
            return "timed out after " + timeoutSeconds + " s";
        }
        if (root instanceof ConnectException) {
            return "connection failed: " + root.getMessage();
        }
        if (root instanceof UnknownHostException) {
            return "unknown host: " + root.getMessage();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
