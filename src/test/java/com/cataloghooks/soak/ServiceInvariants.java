package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Call;
import com.cataloghooks.soak.History.Fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Invariants 3, 4 and the first half of 5 of DESIGN.md: the service keeps answering properly, and its consumer and
 * dispatcher keep working.
 * <ul>
 *   <li>No answer is a 5xx, except a 503 with {@code Retry-After} while the database is away (from its stop until
 *       {@link #DATABASE_GRACE} after it is back: pooled connections are replaced on use). Every other 5xx counts,
 *       whatever fault was under way; the fault is named in the example.</li>
 *   <li>No delivery is {@code in_flight} past its lease at the end (every replica runs and expires leases).</li>
 *   <li>Every replica's process is alive and {@code /q/health/live} answers 200 at the end, and a fresh event on each
 *       partition (the canary products) reaches a fresh healthy webhook.</li>
 *   <li>Nothing went to the dead-letter topic: every record the run produced is a valid event.</li>
 * </ul>
 */
final class ServiceInvariants {

    static final Duration DATABASE_GRACE = Duration.ofSeconds(20);

    private final History history;
    private final Observed observed;

    ServiceInvariants(History history, Observed observed) {
        this.history = history;
        this.observed = observed;
    }

    /**
     * @param liveness    each replica's {@code /q/health/live} at the end ({@link Cluster#liveness}), null for a
     *                    process that died by itself
     * @param canaryMissing canary events that did not arrive, of {@code canarySent}
     */
    List<Verdict> judge(List<String> liveness, int canarySent, List<String> canaryMissing) {
        List<Verdict> verdicts = new ArrayList<>();
        Verdict answers = Verdict.of("4", "API answer is not a 5xx (503 + Retry-After while the database is away excepted)");
        Verdict unavailable = Verdict.info("4", "503 + Retry-After while the database was away (allowed)");
        Verdict unanswered = Verdict.info("4", "requests without an answer (connection reset or timeout)");
        Map<String, Integer> unansweredByFault = new TreeMap<>();
        for (Call call : history.calls()) {
            if (call.status() == 0) {
                Fault fault = history.faultAt(call.sent());
                unansweredByFault.merge(fault == null ? "no fault" : fault.kind(), 1, Integer::sum);
                unanswered.fail(call.toString());
                continue;
            }
            if (call.status() < 500) {
                answers.pass();
            } else if (call.status() == 503 && call.retryAfter() != null && databaseAway(call)) {
                answers.pass();
                unavailable.fail(call.toString());
            } else {
                Fault fault = history.faultAt(call.sent());
                answers.fail(call + (fault == null ? " (no fault under way)" : " (during " + fault.kind()
                        + (fault.target() >= 0 ? " of replica " + fault.target() : "") + ")"));
            }
        }
        unanswered.note("by fault under way: " + unansweredByFault);
        verdicts.add(answers);
        verdicts.add(unavailable);
        verdicts.add(unanswered);

        Verdict leases = Verdict.of("5", "no delivery in_flight past its lease at the end");
        leases.checked = observed.deliveries.size();
        for (Observed.Delivery d : observed.inFlightPastLease) {
            leases.violations++;
            if (leases.examples.size() < 5) {
                leases.examples.add("delivery " + d.id() + " of webhook " + d.webhookId() + " leased to "
                        + d.leaseOwner() + " until " + d.leaseUntil());
            }
        }
        verdicts.add(leases);

        Verdict alive = Verdict.of("3", "replica alive at the end (process, /q/health/live 200)");
        for (int i = 0; i < liveness.size(); i++) {
            if ("200".equals(liveness.get(i))) {
                alive.pass();
            } else {
                alive.fail("replica " + i + ": " + (liveness.get(i) == null ? "its process exited by itself"
                        : "/q/health/live answered " + liveness.get(i)));
            }
        }
        verdicts.add(alive);

        Verdict canary = Verdict.of("3", "fresh event after the faults reached a fresh webhook (consumer alive)");
        canary.checked = canarySent;
        canary.violations = canaryMissing.size();
        canaryMissing.stream().limit(5).forEach(canary.examples::add);
        verdicts.add(canary);

        verdicts.addAll(logs());

        Verdict deadLetters = Verdict.of("3", "nothing valid went to the dead-letter topic (records added)");
        deadLetters.checked = observed.outbox.size();
        deadLetters.violations = observed.deadLetters;
        verdicts.add(deadLetters);
        return verdicts;
    }

    /**
     * What the replicas' logs say went wrong, for diagnosis: ERROR lines, and deadlocks (DESIGN.md: "locks are taken
     * in one order and never waited on by claims"; the service retries a deadlock victim, so it is not counted).
     */
    private List<Verdict> logs() {
        Verdict errors = Verdict.info("-", "ERROR lines in the replicas' logs");
        Verdict deadlocks = Verdict.info("-", "deadlocks in the replicas' logs (\"deadlock detected\")");
        Map<String, String> firstOfKind = new java.util.LinkedHashMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        observed.logFiles.forEach((file, text) -> text.lines().forEach(line -> {
            String where = file.substring(file.lastIndexOf('/') + 1) + ": ";
            if (line.contains(" ERROR ")) {
                errors.pass();
                errors.violations++;
                // one example per kind of error: the message without its times, ids and numbers
                String kind = line.replaceFirst("^\\S+ \\S+ ERROR \\[[^]]*] \\([^)]*\\) ", "")
                        .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}|@[0-9a-f]+|\\d+", "#");
                kind = kind.substring(0, Math.min(120, kind.length()));
                firstOfKind.putIfAbsent(kind, where + line.substring(0, Math.min(600, line.length())));
                kinds.merge(kind, 1, Integer::sum);
            }
            if (line.contains("deadlock detected")) {
                deadlocks.fail(where + line.substring(0, Math.min(300, line.length())));
            }
        }));
        firstOfKind.forEach((kind, line) -> {
            if (errors.examples.size() < 8) {
                errors.examples.add(kinds.get(kind) + " x " + line);
            }
        });
        errors.note(kinds.size() + " kinds of ERROR line");
        return List.of(errors, deadlocks);
    }

    private boolean databaseAway(Call call) {
        return history.faults().stream().filter(f -> f.kind().equals(Faults.DATABASE))
                .anyMatch(f -> !call.answered().isBefore(f.start())
                        && call.sent().isBefore(f.end().plus(DATABASE_GRACE)));
    }
}
