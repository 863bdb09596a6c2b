package com.cataloghooks.delivery.state;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The attempt policy as a table: answer, attempt and settings in, the next transition out (no database, no clock). */
class AttemptPolicyTest {

    // backoff-base 1 s, backoff-max 60 s, retries here while the wait is at most 5 s
    private final AttemptPolicy policy = new AttemptPolicy(new RetrySchedule(1000, 60_000), 5000);
    private static final AttemptPolicy.Here HERE = new AttemptPolicy.Here(true, true);

    private static AttemptResult status(int code) {
        return AttemptResult.answered(code, "", 5, null);
    }

    @Test
    void aSuccessFinishesWhateverTheAttempt() {
        assertEquals(Transition.SUCCEEDED, policy.next(status(204), 1, 4, HERE));
        assertEquals(Transition.SUCCEEDED, policy.next(status(200), 4, 4, AttemptPolicy.Here.NEVER));
    }

    @Test
    void aFailureIsRetriedOnTheScheduleHereWhileTheWaitIsShort() {
        assertEquals(Transition.retryHere(1), policy.next(status(500), 1, 6, HERE));
        assertEquals(Transition.retryHere(2), policy.next(status(500), 2, 6, HERE));
        assertEquals(Transition.retryHere(4), policy.next(status(500), 3, 6, HERE));
        assertEquals(Transition.retryLater(8), policy.next(status(500), 4, 6, HERE), "8 s is longer than 5 s");
    }

    @Test
    void theLastAttemptAndWhatRetryingCannotChangeFail() {
        assertEquals(Transition.FAILED, policy.next(status(500), 4, 4, HERE));
        assertEquals(Transition.FAILED, policy.next(status(410), 1, 4, HERE));
        assertEquals(Transition.FAILED, policy.next(AttemptResult.refused("private address", 0), 1, 4, HERE));
        assertEquals(Transition.FAILED, policy.next(null, 5, 4, HERE), "no attempt left to make");
    }

    @Test
    void aRetryIsMadeLaterWhenNotHere() {
        assertEquals(Transition.retryLater(1), policy.next(status(500), 1, 4, AttemptPolicy.Here.NEVER));
        assertEquals(Transition.retryLater(1), policy.next(status(500), 1, 4, new AttemptPolicy.Here(false, true)),
                "a run that began later than the first attempt waits the schedule's time in the database");
        assertEquals(Transition.retryLater(1), policy.next(AttemptResult.unanswered("timed out", 10000), 1, 4,
                new AttemptPolicy.Here(true, false)));
    }

    @Test
    void retryAfterLengthensTheWaitUpToTheMaximumAndIsWaitedInTheDatabase() {
        AttemptResult busy = AttemptResult.answered(503, "", 5, Duration.ofSeconds(30));
        assertEquals(Transition.retryLater(30), policy.next(busy, 1, 4, HERE));
        AttemptResult tooLong = AttemptResult.answered(429, "", 5, Duration.ofHours(2));
        assertEquals(Transition.retryLater(60), policy.next(tooLong, 1, 4, HERE));
        AttemptResult shorter = AttemptResult.answered(429, "", 5, Duration.ofMillis(10));
        assertEquals(Transition.retryHere(1), policy.next(shorter, 1, 4, HERE), "never shorter than the schedule");
    }

    @Test
    void aHeldAttemptGoesBackForTheBreakersDelayAndIsNotSpent() {
        Transition held = policy.next(AttemptResult.held(Duration.ofSeconds(30)), 3, 4, HERE);
        assertEquals(Transition.held(30), held);
        assertEquals("pending", held.status());
        assertEquals(false, held.attempted());
    }
}
