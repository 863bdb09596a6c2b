package com.cataloghooks.delivery;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;

/**
 * Sends webhook requests through {@link ReceiverHttp}.
 * <p>
 * {@link #deliver} makes one attempt, and more in this replica while the waits between them are short:
 * {@code @Retry} with {@code @ExponentialBackoff} waits {@code backoff-base * 2^(n-1)} before the n-th retry without
 * holding a thread or a request slot, and retries only on {@link RetryableAttemptException}, which this class throws
 * when the dispatcher decided the next attempt is made here ({@link DeliveryJob.Steps#attemptEnded}). Every longer
 * wait is scheduled in the database instead and ends this call. {@code @Timeout} is the outer ceiling of one attempt
 * with its bookkeeping (a webhook's own timeout is at most 300 s). The static values below are overridden from
 * application.properties ({@code quarkus.fault-tolerance."com.cataloghooks.delivery.WebhookSender/deliver".*}).
 */
@ApplicationScoped
public class WebhookSender {

    private final ReceiverHttp http;
    private final ReceiverBreakers breakers;

    public WebhookSender(ReceiverHttp http, ReceiverBreakers breakers) {
        this.http = http;
        this.breakers = breakers;
    }

    @AsynchronousNonBlocking
    @Retry(maxRetries = 10, delay = 2000, jitter = 0, maxDuration = 1, durationUnit = ChronoUnit.DAYS,
            retryOn = RetryableAttemptException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1, maxDelayUnit = ChronoUnit.HOURS)
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    public Uni<Void> deliver(DeliveryJob job) {
        Uni<Integer> attempt = job.takeClaimedAttempt()
                ? Uni.createFrom().item(job.attempt())
                : job.steps().beginRetry(job);
        return attempt.onItem().ifNotNull().transformToUni(number -> breakers.send(job.webhookId(), () -> http.post(job.request()))
                        .onItem().transformToUni(result -> job.steps().attemptEnded(job, number, result)))
                .onItem().transformToUni(again -> Boolean.TRUE.equals(again)
                        ? Uni.createFrom().failure(new RetryableAttemptException())
                        : Uni.createFrom().voidItem());
    }

    /** Exactly one attempt, no retry, nothing recorded: what the webhook test endpoint uses. */
    public Uni<AttemptResult> sendOnce(OutgoingRequest request) {
        return http.post(request);
    }
}
