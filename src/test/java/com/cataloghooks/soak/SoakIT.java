package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Answer;
import com.cataloghooks.testsupport.TestInfrastructure;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded soak in the spirit of Jepsen: packaged replicas, a real PostgreSQL and a real Kafka broker; client threads
 * drawing every API operation at random ({@link Operations}) while faults are injected ({@link Faults}); then the
 * faults stop, everything is started again, deliveries settle, and DESIGN.md's invariants are checked
 * ({@link DeliveryInvariants}, {@link ServiceInvariants}, {@link BookkeepingInvariants}), each with its count, in a
 * table printed and written to {@code target/soak-summary.md}. Any violation fails the test, with examples (ids); so
 * does a run that did too little to prove anything (too few committed events, judged deliveries or faults).
 * <p>
 * Short by default (2.5 minutes of operations, part of {@code ./mvnw verify}); {@code scripts/soak --minutes 30
 * [--seed N] [--replicas 3]} runs a long one. The seed is printed at the start and in the table: the same seed gives
 * the same operations per thread and the same faults in the same order (what the service answers depends on timing).
 */
class SoakIT {

    private static final Duration POLL = Duration.ofSeconds(2);
    private static final int CANARIES = 9;

    @Test
    void designInvariantsHoldUnderRandomOperationsAndFaults() throws Exception {
        SoakSettings settings = SoakSettings.fromSystemProperties();
        java.nio.file.Files.deleteIfExists(SoakReport.FILE); // never mistake an earlier run's table for this one's
        System.out.println("soak: " + settings + " (rerun: scripts/soak --seconds " + settings.duration().toSeconds()
                + " --seed " + settings.seed() + " --replicas " + settings.replicas() + ")");
        TestInfrastructure infra = TestInfrastructure.get();
        assertTrue(infra.postgres().isPresent() && infra.kafkaBroker().isPresent(),
                "the soak restarts PostgreSQL and Kafka: it needs the local ones (unset TEST_PG_URL and TEST_KAFKA_BOOTSTRAP)");
        History history = new History();
        SoakReport report = new SoakReport();
        List<Executable> minimums = new ArrayList<>();
        Receivers receivers = new Receivers();
        Cluster cluster = new Cluster(infra, settings);
        long started = System.nanoTime();
        try {
            Instant runStart = Instant.now();
            cluster.start();
            long deadLettersBefore = cluster.deadLetters();
            ApiClient api = new ApiClient(cluster::baseUrl, cluster.size(), history);
            String runTag = "soak" + Long.toHexString(settings.seed() & 0xffffff) + "-"
                    + Long.toString(System.currentTimeMillis() % 1_679_616, 36);
            Operations operations = new Operations(settings, api, history, receivers, runTag);
            operations.createCoreWebhooks();

            long deadline = System.nanoTime() + settings.duration().toNanos();
            Faults faults = new Faults(cluster, history, settings.seedFor(2000), deadline);
            Thread faultThread = new Thread(faults, "soak-faults");
            faultThread.start();
            operations.run(deadline);
            faultThread.join(Duration.ofMinutes(4).toMillis());
            Instant end = Instant.now();
            System.out.println("soak: " + end + " operations and faults over; settling");

            cluster.ensureAllRunning();
            String settled = settle(cluster, history, settings.settle());
            List<String> canaryMissing = canary(api, receivers);
            List<String> liveness = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                liveness.add(cluster.processAlive(i) ? cluster.liveness(i) : null);
            }
            quiesce(api, cluster, history);
            Observed observed = Observed.collect(cluster, history, receivers, api, runStart, deadLettersBefore);

            CommittedEvents committed = new CommittedEvents(history, observed);
            Map<String, Receivers.Kind> kinds = history.webhooks().stream()
                    .collect(Collectors.toMap(w -> w.path, w -> w.kind));
            Arrivals arrivals = new Arrivals(observed.requests, kinds, receivers);
            boolean settledInTime = !settled.startsWith("NOT");
            DeliveryInvariants delivery = new DeliveryInvariants(history, observed, committed, arrivals, end,
                    settledInTime);
            report.add(delivery.judge());
            report.add(new ServiceInvariants(history, observed).judge(liveness, CANARIES, canaryMissing));
            report.add(new BookkeepingInvariants(history, observed).judge());
            report.note(settings + "; rerun: scripts/soak --seconds "
                    + settings.duration().toSeconds() + " --seed " + settings.seed() + " --replicas "
                    + settings.replicas());
            report.note("committed events " + committed.events.size() + " (acknowledged writes and ended tasks "
                    + committed.acknowledged + "), webhooks " + history.webhooks().size() + ", receiver requests "
                    + observed.requests.size() + "; deliveries settled: " + settled);
            report.activity(history);
            faults.problems().forEach(p -> report.note("fault problem: " + p));
            operations.crashes().forEach(c -> report.note("client crash: " + c));
            report.note("run time " + SoakReport.seconds(Duration.ofNanos(System.nanoTime() - started))
                    + " before cleanup; replica logs " + cluster.logs());
            report.publish("Soak summary (seed " + settings.seed() + ")");

            long judged = delivery.judgedPairs;
            long ordered = delivery.judgedOrderPairs;
            int faultCount = history.faults().size();
            minimums.add(() -> assertTrue(operations.crashes().isEmpty(), "the client itself failed: "
                    + operations.crashes()));
            minimums.add(() -> assertTrue(settledInTime, "deliveries did not settle, the run is inconclusive: "
                    + settled));
            minimums.add(() -> assertTrue(committed.events.size() >= 100, "too few committed events to prove "
                    + "anything: " + committed.events.size()));
            minimums.add(() -> assertTrue(judged >= 300, "too few (event, webhook) pairs judged: " + judged));
            minimums.add(() -> assertTrue(ordered >= 20, "too few ordered pairs judged: " + ordered));
            minimums.add(() -> assertTrue(faultCount >= settings.minimumFaults(), "too few faults: " + faultCount
                    + " " + faults.problems()));
            long kindsOfFault = history.faults().stream().map(History.Fault::kind).distinct().count();
            minimums.add(() -> assertTrue(!settings.everyKindOfFault() || kindsOfFault == 4,
                    "a long run must have had every kind of fault: " + history.faults()));
            for (Verdict v : report.violated()) {
                minimums.add(() -> assertEquals(0, v.violations, "invariant " + v.invariant + ", " + v.check + ": "
                        + v.violations + " violations of " + v.checked + ", e.g. " + v.examples + " (seed "
                        + settings.seed() + ", see " + SoakReport.FILE + ")"));
            }
        } finally {
            String prefix = receivers.url("/soak/");
            cluster.close();
            receivers.close();
            cleanUp(cluster, prefix);
        }
        assertAll(minimums);
    }

    /**
     * Waits until the outbox is published, the consumer group has no lag, no delivery of the run's webhooks is in
     * flight, none of a receiver that succeeds is pending while its webhook is active, and no task is running.
     *
     * @return how long it took, or what was still unsettled when the wait ran out (the invariants then show it)
     */
    private static String settle(Cluster cluster, History history, Duration atMost) {
        long start = System.nanoTime();
        List<String> ids = history.webhooks().stream().filter(w -> w.id() != null).map(WebhookRecord::id).toList();
        List<String> succeeding = history.webhooks().stream().filter(w -> w.id() != null && w.kind.succeeds())
                .map(WebhookRecord::id).toList();
        String[] last = {""};
        long[] printed = {0};
        try {
            await().atMost(atMost).pollInterval(POLL).ignoreExceptions().until(() -> {
                last[0] = unsettled(cluster, ids, succeeding);
                if (System.nanoTime() - printed[0] > Duration.ofSeconds(20).toNanos()) {
                    printed[0] = System.nanoTime();
                    System.out.println("soak: " + Instant.now() + " settling: " + last[0]);
                }
                return last[0].isEmpty();
            });
            return "in " + SoakReport.seconds(Duration.ofNanos(System.nanoTime() - start));
        } catch (ConditionTimeoutException e) {
            return "NOT within " + atMost.toSeconds() + " s: " + last[0];
        }
    }

    private static String unsettled(Cluster cluster, List<String> ids, List<String> succeeding) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = cluster.jdbc()) {
            long unpublished = count(c, "SELECT count(*) FROM outbox_events WHERE published_at IS NULL", null);
            long inFlight = count(c, "SELECT count(*) FROM webhook_deliveries WHERE status = 'in_flight' "
                    + "AND webhook_id = ANY (?::uuid[])", ids);
            long pending = count(c, "SELECT count(*) FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                    + "WHERE d.status = 'pending' AND w.is_active AND d.webhook_id = ANY (?::uuid[])", succeeding);
            long tasks = count(c, "SELECT count(*) FROM import_tasks WHERE status IN ('queued', 'running')", null);
            if (unpublished + inFlight + pending + tasks > 0) {
                out.append(String.format("unpublished %d, in flight %d, pending (succeeding receivers) %d, tasks %d; ",
                        unpublished, inFlight, pending, tasks));
            }
            if (pending > 0) {
                try (PreparedStatement s = c.prepareStatement("""
                        SELECT w.id, w.ordered, w.rate_limit_per_second, h.breaker_state, count(*),
                               count(*) FILTER (WHERE d.next_attempt_at <= now()), min(d.created_at)
                        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                             JOIN webhook_health h ON h.webhook_id = w.id
                        WHERE d.status = 'pending' AND w.is_active AND d.webhook_id = ANY (?::uuid[])
                        GROUP BY w.id, w.ordered, w.rate_limit_per_second, h.breaker_state
                        ORDER BY count(*) DESC LIMIT 5""")) {
                    s.setArray(1, c.createArrayOf("text", succeeding.toArray()));
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            out.append(String.format("webhook %s (ordered %s, rate limit %s, breaker %s): %d pending,"
                                            + " %d due, oldest planned %s; ", rs.getString(1), rs.getBoolean(2),
                                    rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                                    rs.getTimestamp(7).toInstant()));
                        }
                    }
                }
            }
        }
        long lag = cluster.consumerLag();
        if (lag > 0) {
            out.append("consumer lag ").append(lag);
        }
        return out.toString();
    }

    private static long count(Connection c, String sql, List<String> ids) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (ids != null) {
                s.setArray(1, c.createArrayOf("text", ids.toArray()));
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A fresh webhook and fresh products once the faults are over: their events must arrive (the consumer lives). */
    private static List<String> canary(ApiClient api, Receivers receivers) {
        Random random = new Random(42);
        String path = receivers.allocate(Receivers.Kind.OK, random);
        Answer webhook = api.post("canary webhook", random, "/api/v1/webhooks", Map.of("url", receivers.url(path),
                "events", List.of("product.created"), "description", "soak canary"));
        List<String> products = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (!webhook.ok()) {
            missing.add("the canary webhook could not be created: " + webhook.call());
            return missing;
        }
        for (int i = 0; i < CANARIES; i++) {
            Answer product = api.post("canary product", random, "/api/v1/products",
                    Map.of("sku", "canary-" + System.nanoTime() + "-" + i, "name", "canary " + i));
            if (product.ok()) {
                products.add(product.text("id"));
            } else {
                missing.add("canary product " + i + " not written: " + product.call());
            }
        }
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> arrivedProducts(receivers, path).containsAll(products));
        } catch (ConditionTimeoutException e) {
            List<String> arrived = arrivedProducts(receivers, path);
            products.stream().filter(p -> !arrived.contains(p))
                    .forEach(p -> missing.add("product.created of canary product " + p + " not delivered in 90 s"));
        }
        api.delete("canary webhook delete", random, "/api/v1/webhooks/" + webhook.text("id"));
        return missing;
    }

    private static List<String> arrivedProducts(Receivers receivers, String path) {
        return receivers.requests(path).stream().map(r -> {
            try {
                return ApiClient.JSON.readTree(r.body()).path("data").path("id").asText();
            } catch (java.io.IOException e) {
                return "";
            }
        }).toList();
    }

    /**
     * Deactivates the run's webhooks and waits until nothing is in flight, so that counters and logs are read at
     * rest (deliveries to receivers that never succeed would otherwise keep changing them).
     */
    private static void quiesce(ApiClient api, Cluster cluster, History history) {
        Random random = new Random(43);
        List<String> ids = new ArrayList<>();
        for (WebhookRecord webhook : history.webhooks()) {
            if (webhook.exists()) {
                api.put("webhook deactivate (end)", random, "/api/v1/webhooks/" + webhook.id(),
                        Map.of("is_active", false));
                ids.add(webhook.id());
            }
        }
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        try (Connection c = cluster.jdbc()) {
                            return count(c, "SELECT count(*) FROM webhook_deliveries WHERE status = 'in_flight' "
                                    + "AND webhook_id = ANY (?::uuid[])", ids) == 0;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            System.err.println("soak: deliveries still in flight 60 s after deactivating every webhook");
        }
    }

    /**
     * Leaves the shared database as other tests expect it: no instrumentation, and none of the run's webhooks
     * (which would otherwise be planned for every later test's events). The replicas are stopped by then.
     */
    private static void cleanUp(Cluster cluster, String prefix) {
        cluster.removeAudit();
        try (Connection c = cluster.jdbc(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM webhooks WHERE url LIKE '" + prefix.replace("'", "''") + "%'");
        } catch (SQLException e) {
            System.err.println("soak: could not delete the run's webhooks: " + e);
        }
    }
}
