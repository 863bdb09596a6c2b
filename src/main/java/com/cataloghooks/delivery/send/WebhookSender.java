package com.cataloghooks.delivery.send;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.delivery.record.AttemptRecorder;
import com.cataloghooks.delivery.state.AttemptPolicy;
import com.cataloghooks.delivery.state.AttemptResult;
import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.delivery.state.Transition;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.logging.Logger;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes a claimed delivery's attempts through {@link ReceiverHttp}, each through its receiver's breaker, and hands
 * each outcome, with the {@link Transition} {@link AttemptPolicy} gives it, to the recorder.
 * <p>
 * {@link #deliver} makes one attempt, and more in this replica while the waits between them are short:
 * {@code @Retry} with {@code @ExponentialBackoff} waits {@code backoff-base * 2^(n-1)} before the n-th retry without
 * holding a thread or a request slot, and retries only on {@link RetryableAttemptException}, which this class throws
 * when the policy's transition is a retry here and the recorder kept the claim. Every longer wait is scheduled in
 * the database instead and ends this call. {@code @Timeout} is the outer ceiling of one attempt with its bookkeeping
 * (a webhook's own timeout is at most 300 s). The static values below are overridden from application.properties
 * ({@code quarkus.fault-tolerance."com.cataloghooks.delivery.send.WebhookSender/deliver".*}), from the settings
 * {@code RetrySchedule} reads, so the schedule is defined once.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    private final ReceiverHttp http;
    private final ReceiverBreakers breakers;
    private final AttemptPolicy policy;
    private final AttemptRecorder recorder;
    private final DeliveryTransitions transitions;
    private final Slots slots;
    private final CatalogConfig config;

    public WebhookSender(ReceiverHttp http, ReceiverBreakers breakers, AttemptPolicy policy, AttemptRecorder recorder,
                         DeliveryTransitions transitions, Slots slots, CatalogConfig config) {
        this.http = http;
        this.breakers = breakers;
        this.policy = policy;
        this.recorder = recorder;
        this.transitions = transitions;
        this.slots = slots;
        this.config = config;
    }

    @AsynchronousNonBlocking
    @Retry(maxRetries = 10, delay = 2000, jitter = 0, maxDuration = 1, durationUnit = ChronoUnit.DAYS,
            retryOn = RetryableAttemptException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1, maxDelayUnit = ChronoUnit.HOURS)
    @Timeout(value = 10, unit = ChronoUnit.MINUTES)
    public Uni<Void> deliver(DeliveryJob job) {
        Uni<Integer> attempt = job.takeClaimedAttempt()
                ? Uni.createFrom().item(job.attempt())
                : beginRetry(job);
        return attempt.onItem().ifNotNull().transformToUni(number -> {
                    AtomicReference<OutgoingRequest> sent = new AtomicReference<>();
                    return attempt(job, number, sent)
                            .onItem().transformToUni(result -> attemptEnded(job, number, result, sent.get()));
                })
                .onItem().transformToUni(again -> Boolean.TRUE.equals(again)
                        ? Uni.createFrom().failure(new RetryableAttemptException())
                        : Uni.createFrom().voidItem());
    }

    /** Exactly one attempt, no retry, nothing recorded: what the webhook test endpoint uses. */
    public Uni<AttemptResult> sendOnce(OutgoingRequest request) {
        return http.post(request);
    }

    /** As {@link #sendOnce(OutgoingRequest)}, also copying the receiver's answer headers into {@code answerHeaders}. */
    public Uni<AttemptResult> sendOnce(OutgoingRequest request, java.util.Map<String, String> answerHeaders) {
        return http.post(request, answerHeaders);
    }

    /**
     * The attempt numbered {@code number}: none (a null result) when its attempts were used up before it could
     * finish (e.g. {@code retry_count} lowered, claims lost); a failure without a request when its webhook's stored
     * values do not decrypt, which waits its turn like any other; else the request, through the breaker, which is
     * left in {@code sent} when it is built (signed and timestamped just before it goes out), for the log.
     */
    private Uni<AttemptResult> attempt(DeliveryJob job, int number, AtomicReference<OutgoingRequest> sent) {
        if (number > job.claim().maxAttempts()) {
            return Uni.createFrom().nullItem();
        }
        if (job.claim().unreadable() != null) {
            return Uni.createFrom().item(AttemptResult.unanswered(job.claim().unreadable(), 0));
        }
        return breakers.send(job.webhookId(), () -> {
            OutgoingRequest request = job.request();
            sent.set(request);
            return http.post(request);
        });
    }

    /** Before a retry in this replica: the attempt number, or null when the job must not go on here. */
    private Uni<Integer> beginRetry(DeliveryJob job) {
        slots.stopWaiting(job);
        return Uni.createFrom().item(() -> {
            if (job.isHalted()) {
                return (Integer) null; // handed back by the dispatcher's release at shutdown
            }
            if (!slots.tryTake(job)) {
                transitions.requeue(job.deliveryId(), job.token());
                return null;
            }
            if (!transitions.retryHere(job.deliveryId(), job.token(), config.delivery().lease().toSeconds())) {
                slots.release(job);
                return null; // the claim was lost meanwhile
            }
            job.attempt(job.attempt() + 1);
            return job.attempt();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * After an attempt: whether the next one is made in this replica, after the {@code @Retry} wait.
     *
     * @param sent the request made, or null when none was
     */
    private Uni<Boolean> attemptEnded(DeliveryJob job, int number, AttemptResult result, OutgoingRequest sent) {
        slots.releaseWebhook(job); // its webhook may start another request while this outcome is being written
        // a rate-limited webhook's attempts all go through the claim, where the limit is counted
        boolean hereAllowed = !job.claim().rateLimited() && job.claim().unreadable() == null && !job.isHalted()
                && slots.roomToWait(job.webhookId());
        Transition transition = policy.next(result, number, job.claim().maxAttempts(),
                new AttemptPolicy.Here(job.claimedAtFirstAttempt(), hereAllowed));
        boolean here = transition.retriesHere();
        if (here) {
            slots.startWaiting(job);
        }
        int made = result == null ? number - 1 : number;
        return Uni.createFrom().completionStage(() -> recorder.record(job.claim(), made, result,
                        sent == null ? null : sent.recordedHeaders(), transition))
                .onItemOrFailure().transform((owned, failure) -> {
                    slots.release(job);
                    if (Boolean.TRUE.equals(owned) && transition.finishes()) {
                        LOG.debugf("delivery %s ended: %s", job.deliveryId(),
                                transition.succeeded() ? "delivered" : result == null ? "no attempt left" : result.error());
                    }
                    boolean again = here && Boolean.TRUE.equals(owned);
                    if (!again) {
                        slots.stopWaiting(job);
                    }
                    return again;
                });
    }
}
