package com.cataloghooks.soak;

import com.cataloghooks.soak.Arrivals.Arrival;
import com.cataloghooks.soak.CommittedEvents.Event;
import com.cataloghooks.soak.History.Fault;
import com.cataloghooks.soak.Observed.Delivery;
import com.cataloghooks.soak.Receivers.Kind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Invariants 1, 2 and 5 of DESIGN.md, judged on what the receivers got.
 *
 * <h2>1. Every committed event reaches every webhook it was due to</h2>
 * An event E (see {@link CommittedEvents}), written by a request sent at S, is <em>due</em> to a webhook W when W's
 * configuration as the client knows it made E due over the whole of [S, T], T being E's first arrival at W's receiver
 * or, if it never arrived, the end of the run: W was created (acknowledged) before S, and throughout active,
 * subscribed to E's type, with a filter E's data passes, with no change of these in progress, in doubt or made within
 * [S, T] ({@link WebhookRecord#eligibleThroughout}), and W's receiver is not one that answers 410 (which deactivates
 * W by design). Every other pair is excluded and counted as such, never judged.
 * <p>
 * <em>Reaches</em>: for a receiver that answers 2xx (always, or after changing its mind), at least one request
 * carrying E's id ({@code webhook-id}) arrived at W's receiver. For a receiver that never answers 2xx in time (fails
 * with 500, or hangs past the timeout) the service may legitimately hold the event (its circuit breaker opens after
 * ten failures and lets one probe through per period), so it has reached W when a request arrived <em>or</em> the
 * delivery row (E, W) exists: the service took the event on, and invariant 3 checks nothing stays in flight. A due
 * pair that did not reach W is a violation, whatever the reason (never planned, planned but pending, failed without a
 * request). Duplicates are at-least-once, allowed, and counted separately. When deliveries did not settle within
 * the wait, a due pair whose delivery is still pending is not judged lost: it is counted apart, and the run fails as
 * inconclusive.
 *
 * <h2>2. One product's events reach an ordered webhook in commit order</h2>
 * For each product, its committed events in commit order (its acknowledged writes in the order one thread sent
 * them, see {@link CommittedEvents}), and each ordered webhook: of two consecutive events that both arrived and were
 * both due to it, the earlier must have arrived first (first arrivals compared), provided the webhook was ordered,
 * with no change of that in doubt, from the earlier event's write until the later one's arrival.
 *
 * <h2>5. A graceful stop writes every outcome it has</h2>
 * A delivery whose request the receiver answered 2xx, sent again later without a redelivery or replay of that
 * webhook asked for in between, had its outcome lost. It is blamed on a fault that can lose an outcome answered
 * then ({@link #blame}): after a kill -9 or a database outage that is at-least-once at work, and only counted; after
 * a SIGTERM it is a violation (a graceful stop writes every outcome it has). With no fault to blame it is counted
 * apart: its outcome was not written within the claim's lease (the soak's lease is short, 5 s, to make takeovers
 * quick; a slow or deadlocked recorder then costs a duplicate).
 */
final class DeliveryInvariants {

    private final History history;
    private final Observed observed;
    private final CommittedEvents committed;
    private final Arrivals arrivals;
    private final Instant end;
    /** Pairs judged for invariant 1, pairs judged for invariant 2: a run must judge enough of each. */
    long judgedPairs;
    long judgedOrderPairs;

    private final boolean settled;
    /** How long before a fault an answered attempt's outcome may still be unwritten: the claim's lease and timeout. */
    private static final Duration OUTCOME_SLACK = Duration.ofSeconds(15);

    /** @param settled whether deliveries settled before the end (else a pending delivery is not judged lost) */
    DeliveryInvariants(History history, Observed observed, CommittedEvents committed, Arrivals arrivals,
                       Instant end, boolean settled) {
        this.history = history;
        this.observed = observed;
        this.committed = committed;
        this.arrivals = arrivals;
        this.end = end;
        this.settled = settled;
    }

    List<Verdict> judge() {
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(outbox());
        Verdict reached = Verdict.of("1", "committed event reached each webhook it was due to (event, webhook pairs)");
        Verdict excluded = Verdict.info("1", "event, webhook pairs not judged (not due over their whole window)");
        Verdict duplicates = Verdict.info("1", "duplicate requests (at-least-once; redeliveries and replays included)");
        Verdict unsettled = Verdict.info("1", "due pairs still pending when settling gave up (not judged: run inconclusive)");
        Map<String, Integer> missedBy = new TreeMap<>();
        Map<String, Integer> pendingBy = new TreeMap<>();
        for (Event event : committed.events) {
            for (WebhookRecord webhook : history.webhooks()) {
                if (webhook.id() == null) {
                    continue;
                }
                List<Arrival> got = arrivals.of(webhook.path, event.eventId());
                if (got.size() > 1) {
                    for (int i = 1; i < got.size(); i++) {
                        duplicates.fail(event.eventId() + " at " + webhook);
                    }
                }
                Instant first = got.isEmpty() ? null : got.get(0).at();
                if (webhook.kind == Kind.GONE || !webhook.eligibleThroughout(event.sent(), first == null ? end : first,
                        event.type(), event.data())) {
                    excluded.pass();
                    continue;
                }
                Delivery delivery = observed.delivery(event.eventId(), webhook.id());
                if (first != null || (!webhook.kind.succeeds() && delivery != null)) {
                    reached.pass();
                } else if (!settled && delivery != null && delivery.status().equals("pending")) {
                    unsettled.fail("event " + event.eventId() + " -> " + webhook + ": delivery " + delivery.id()
                            + " pending, planned " + delivery.createdAt());
                    pendingBy.merge(webhook.toString(), 1, Integer::sum);
                } else {
                    missedBy.merge(webhook + " " + (delivery == null ? "never planned" : delivery.status()), 1,
                            Integer::sum);
                    reached.fail("event " + event.eventId() + " (" + event.description() + ") -> " + webhook + ": "
                            + (delivery == null ? "never planned"
                            : "delivery " + delivery.id() + " " + delivery.status() + " after " + delivery.attempts()
                            + " attempts, planned " + delivery.createdAt() + ", last error " + delivery.lastError()));
                }
            }
        }
        reached.note(missedBy.isEmpty() ? "" : "by webhook and state: " + missedBy);
        unsettled.note(pendingBy.isEmpty() ? "" : "by webhook: " + pendingBy);
        verdicts.add(reached);
        verdicts.add(unsettled);
        verdicts.add(excluded);
        verdicts.add(duplicates);
        Verdict order = order();
        verdicts.add(order);
        judgedPairs = reached.checked;
        judgedOrderPairs = order.checked;
        verdicts.addAll(resentAfterSuccess());
        return verdicts;
    }

    private Verdict outbox() {
        Verdict verdict = Verdict.of("1", "acknowledged write (or ended task) has its event in the outbox");
        verdict.checked = committed.acknowledged;
        verdict.violations = committed.missingFromOutbox.size();
        committed.missingFromOutbox.stream().limit(5).forEach(verdict.examples::add);
        return verdict;
    }

    private Verdict order() {
        Verdict verdict = Verdict.of("2", "ordered webhook got a product's events in commit order (consecutive pairs)");
        for (WebhookRecord webhook : history.webhooks()) {
            if (webhook.id() == null) {
                continue;
            }
            for (List<Event> events : committed.byProduct.values()) {
                Event previous = null;
                Instant previousArrival = null;
                for (Event event : events) {
                    Instant arrival = arrivals.first(webhook.path, event.eventId());
                    if (arrival == null
                            || !webhook.eligibleThroughout(event.sent(), arrival, event.type(), event.data())) {
                        continue;
                    }
                    if (previous != null && webhook.orderedThroughout(previous.sent(), arrival)) {
                        if (previousArrival.isBefore(arrival)) {
                            verdict.pass();
                        } else {
                            verdict.fail(webhook + ", product " + event.productId() + ": " + describe(event)
                                    + " arrived " + arrival + ", before " + describe(previous) + " arrived "
                                    + previousArrival);
                        }
                    }
                    previous = event;
                    previousArrival = arrival;
                }
            }
        }
        return verdict;
    }

    /** An event with what tells where its order was lost: its times, and its place on the topic. */
    private String describe(Event event) {
        return event.type() + " " + event.eventId() + " (written " + event.sent() + ", event time " + event.eventAt()
                + ", published " + event.publishedAt() + ", on the topic at "
                + observed.topicPositions.getOrDefault(event.eventId(), "?") + ")";
    }

    private List<Verdict> resentAfterSuccess() {
        Verdict lost = Verdict.of("5", "delivery answered 2xx not sent again after its replica's graceful stop (SIGTERM)");
        Verdict allowed = Verdict.info("5", "delivery answered 2xx sent again after a kill -9 or a database outage");
        Verdict unexplained = Verdict.info("5", "delivery answered 2xx sent again, no fault to blame (its outcome was "
                + "not written within the claim's lease)");
        Map<String, Integer> causes = new TreeMap<>();
        for (Event event : committed.events) {
            for (WebhookRecord webhook : history.webhooks()) {
                if (webhook.id() == null || !webhook.kind.succeeds()) {
                    continue;
                }
                List<Arrival> got = arrivals.of(webhook.path, event.eventId());
                Arrival success = got.stream().filter(Arrival::answeredSuccess).findFirst().orElse(null);
                if (success == null) {
                    continue;
                }
                Arrival again = got.stream().filter(a -> a.at().isAfter(success.at()))
                        .filter(a -> !explained(webhook, event, success.at(), a.at())).findFirst().orElse(null);
                if (again == null) {
                    lost.pass();
                    continue;
                }
                Fault fault = blame(success.at(), again.at());
                String cause = fault == null ? "no fault" : fault.kind();
                causes.merge(cause, 1, Integer::sum);
                Delivery delivery = observed.delivery(event.eventId(), webhook.id());
                String example = "event " + event.eventId() + " -> " + webhook + (delivery == null ? ""
                        : ", delivery " + delivery.id()) + ": answered 2xx at " + success.at() + ", sent again at "
                        + again.at() + (fault == null ? "" : " (" + cause + " " + fault.start()
                        + (fault.target() >= 0 ? " of replica " + fault.target() : "") + ")");
                if (fault == null) {
                    unexplained.fail(example);
                } else if (fault.kind().equals(Faults.SIGTERM)) {
                    lost.fail(example);
                } else {
                    allowed.fail(example);
                }
            }
        }
        allowed.note("by fault: " + causes);
        return List.of(lost, allowed, unexplained);
    }

    /** Whether a redelivery of the event to the webhook, or a replay of the webhook, was asked for in between. */
    private boolean explained(WebhookRecord webhook, Event event, Instant from, Instant to) {
        boolean redelivered = history.redeliveries().stream().anyMatch(r -> r.webhookId().equals(webhook.id())
                && r.eventId().equals(event.eventId()) && r.status() / 100 != 4 && r.sent().isBefore(to)
                && r.answered().isAfter(from));
        boolean replayed = history.replays().stream().anyMatch(r -> r.webhookId().equals(webhook.id())
                && !r.status().equals("failed") && r.answer() / 100 != 4 && r.sent().isBefore(to)
                && r.answered().isAfter(from.minus(Duration.ofSeconds(1))));
        return redelivered || replayed;
    }

    /**
     * The fault that may have cost an outcome answered at {@code answered} and sent again at {@code again}: a replica
     * killed or stopped after the answer came (within {@link #OUTCOME_SLACK}: outcomes wait a moment to be written)
     * and before that replica's process was gone; or the database away from a moment before the answer until a
     * moment after it was back (the recorder waits out the outage, backing off up to 5 s). A broker outage costs no
     * outcome (they are written to the database only). Null when no fault fits.
     */
    private Fault blame(Instant answered, Instant again) {
        return history.faults().stream().filter(f -> f.start().isBefore(again)).filter(f -> switch (f.kind()) {
            case Faults.KILL, Faults.SIGTERM -> !answered.isBefore(f.start().minus(OUTCOME_SLACK))
                    && !answered.isAfter(f.stopped());
            case Faults.DATABASE -> !answered.isBefore(f.start().minus(OUTCOME_SLACK))
                    && !answered.isAfter(f.end().plus(OUTCOME_SLACK));
            default -> false;
        }).findFirst().orElse(null);
    }
}
