package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.PackagedReceiverTest;
import com.cataloghooks.testsupport.DeliveryTally;
import com.cataloghooks.testsupport.FaultSummaryTable;
import com.cataloghooks.testsupport.FaultSummaryTable.Row;
import com.cataloghooks.testsupport.LoadGenerator;
import com.cataloghooks.testsupport.LoadGenerator.Write;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static com.cataloghooks.testsupport.Json.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL stopped for 30 seconds under two packaged replicas that run with the <em>default</em> lease, while
 * slow receivers are still answering attempts sent before the stop and a backlog of deliveries is pending. The
 * outcomes answered during the outage can only be written once the database is back; nothing may be sent again
 * meanwhile: no (event, webhook) pair arrives twice, nothing acknowledged is lost, nothing stays in flight, and both
 * replicas stay alive. The figures are printed and written to {@code target/database-outage-summary.md}.
 */
class DatabaseOutageIT extends PackagedReceiverTest {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** Each webhook's receiver holds every answer this long, so attempts are under way when the database goes. */
    private static final List<Duration> ANSWER_DELAYS = List.of(
            Duration.ofMillis(1000), Duration.ofMillis(2000), Duration.ofMillis(3000));
    /** Product writes per second, over both replicas: more than the 3 s receiver takes, so a backlog builds up. */
    private static final int WRITES_PER_SECOND = 8;
    /**
     * Until everything is delivered after the restart: a claim committed as the database went down, whose answer never
     * reached its replica, is taken up again only once the lease and the grace after the database's restart
     * (lease + recorder's longest wait + poll, about 66 s by default) have passed.
     */
    private static final Duration CATCH_UP = Duration.ofSeconds(100);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Path SUMMARY_FILE = Path.of("target", "database-outage-summary.md");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();


    @Test
    void aThirtySecondDatabaseOutageWithTheDefaultLeaseSendsNothingTwice() throws SQLException, InterruptedException {
        assumeTrue(infra.postgres().isPresent(), "needs the local PostgreSQL (TEST_PG_URL is set)");
        TestInfrastructure.Database database = infra.postgres().get();
        // the default lease and every other delivery setting: only the replica name is set
        List<ServiceProcess> replicas = List.of(
                ServiceProcess.of(infra, Map.of("HOSTNAME", "outage-a")),
                ServiceProcess.of(infra, Map.of("HOSTNAME", "outage-b")));
        List<Hook> hooks = new ArrayList<>();
        try {
            CompletableFuture.allOf(replicas.stream()
                    .map(replica -> CompletableFuture.runAsync(replica::start)).toArray(CompletableFuture[]::new))
                    .join();
            String prefix = "/outage-" + UUID.randomUUID();
            for (int i = 0; i < ANSWER_DELAYS.size(); i++) {
                hooks.add(createWebhook(replicas.get(i % replicas.size()), prefix + "/hook-" + (i + 1),
                        ANSWER_DELAYS.get(i)));
            }
            List<String> urls = replicas.stream().map(ServiceProcess::baseUrl).toList();
            try (LoadGenerator load = LoadGenerator.start(urls, WRITES_PER_SECOND, 10_000, "OUTAGE")) {
                await("a backlog, with attempts under way").atMost(Duration.ofSeconds(60)).pollInterval(POLL)
                        .until(() -> load.sent() >= 10 * WRITES_PER_SECOND
                                && count(hooks, "in_flight") > 0 && count(hooks, "pending") > 0);
                Map<String, Long> atStop = statuses(hooks);

                Instant stoppingAt = Instant.now();
                Instant downAt;
                Instant startingAt;
                int liveDuringOutage;
                try {
                    database.stop();
                    downAt = Instant.now();
                    liveDuringOutage = live(replicas);
                    // the fault itself: the database stays away this long while receivers go on answering
                    Thread.sleep(Math.max(0, OUTAGE.minus(Duration.between(downAt, Instant.now())).toMillis()));
                } finally {
                    startingAt = Instant.now();
                    database.start();
                }
                Instant upAt = Instant.now();

                await("writes acknowledged after the outage").atMost(Duration.ofSeconds(60)).pollInterval(POLL)
                        .until(() -> load.writes().stream()
                                .filter(w -> w.committed() && !w.sentAt().isBefore(upAt)).count()
                                >= 5L * WRITES_PER_SECOND);
                load.finish();
                await().atMost(Duration.ofSeconds(60)).pollInterval(POLL).until(load::isDone);

                List<Write> writes = load.writes();
                List<String> committed = writes.stream().filter(Write::committed).map(Write::productId).toList();
                long committedBefore = writes.stream()
                        .filter(w -> w.committed() && w.answeredAt().isBefore(stoppingAt)).count();
                long committedAfter = writes.stream()
                        .filter(w -> w.committed() && !w.sentAt().isBefore(upAt)).count();
                try {
                    await("every delivery finished").atMost(CATCH_UP).pollInterval(POLL)
                            .until(() -> hooks.stream().allMatch(h -> DeliveryTally.complete(receiver, h.path(), committed))
                                    && count(hooks, "pending") + count(hooks, "in_flight") == 0);
                } catch (ConditionTimeoutException e) {
                    // asserted below, with numbers
                }
                Instant finishedAt = Instant.now();
                List<DeliveryTally> tallies = hooks.stream()
                        .map(h -> DeliveryTally.of(receiver, h.path(), committed)).toList();
                Map<String, Long> atEnd = statuses(hooks);
                long answeredWhileDown = hooks.stream().mapToLong(h -> answeredBetween(h, stoppingAt, upAt)).sum();
                List<String> twice = sentTwice(hooks);
                int liveAfter = live(replicas);

                FaultSummaryTable summary = new FaultSummaryTable();
                String scenario = "PostgreSQL stopped " + seconds(Duration.between(stoppingAt, upAt))
                        + ", 2 replicas, default lease";
                summary.add(Row.of(scenario, committed.size(), tallies, "all finished "
                        + seconds(Duration.between(upAt, finishedAt)) + " after the restart"));
                summary.note(String.format(Locale.ROOT, "events acknowledged: %d before the outage, %d after it "
                                + "(writes %s); deliveries %d over %d webhooks (receivers answering in %s)",
                        committedBefore, committedAfter, outcomes(writes), atEnd.values().stream().mapToLong(l -> l).sum(),
                        hooks.size(), ANSWER_DELAYS.stream().map(FaultSummaryTable::seconds).toList()));
                summary.note(String.format(Locale.ROOT, "requests received %d, distinct (event, webhook) %d, "
                                + "duplicates %d; answers given while the database was down %d",
                        tallies.stream().mapToInt(DeliveryTally::requests).sum(),
                        tallies.stream().mapToInt(DeliveryTally::delivered).sum(),
                        tallies.stream().mapToInt(DeliveryTally::duplicates).sum(), answeredWhileDown));
                summary.note("deliveries by status when the database stopped " + atStop + ", at the end " + atEnd
                        + "; replicas live during the outage " + liveDuringOutage + "/2, after it " + liveAfter + "/2");
                summary.note("database down " + seconds(Duration.between(downAt, startingAt)) + " (stop "
                        + seconds(Duration.between(stoppingAt, downAt)) + ", start "
                        + seconds(Duration.between(startingAt, upAt)) + "); logs " + replicas.get(0).log() + ", "
                        + replicas.get(1).log());
                summary.publish("Database outage", SUMMARY_FILE);

                assertAll(
                        () -> assertTrue(answeredWhileDown > 0, "attempts were answered while the database was down"),
                        () -> assertTrue(committedBefore > 0 && committedAfter > 0,
                                "events acknowledged before and after the outage"),
                        () -> assertEquals(List.of(0, 0, 0), tallies.stream().map(DeliveryTally::lost).toList(),
                                "acknowledged events that never arrived: " + tallies),
                        () -> assertEquals(List.of(), twice, "(event, webhook) pairs received more than once"),
                        () -> assertEquals(0L, atEnd.getOrDefault("in_flight", 0L), "deliveries left in flight"),
                        () -> assertEquals(0L, atEnd.getOrDefault("pending", 0L), "deliveries left pending"),
                        () -> assertEquals(2, liveAfter, "replicas live after the outage"));
            }
        } finally {
            for (Hook hook : hooks) {
                try {
                    RestAssured.given().baseUri(replicas.get(0).baseUrl()).delete("/api/v1/webhooks/" + hook.id());
                } catch (RuntimeException e) {
                    System.err.println("could not delete webhook " + hook + ": " + e);
                }
            }
            replicas.forEach(ServiceProcess::close);
        }
    }

    private record Hook(String id, String path, Duration answerDelay) {
    }

    private static Hook createWebhook(ServiceProcess service, String path, Duration answerDelay) {
        receiver.respondAlways(path, 200, "{\"status\":\"ok\"}", answerDelay);
        String id = RestAssured.given().baseUri(service.baseUrl()).contentType(ContentType.JSON)
                .body(obj("url", receiver.url(path), "events", List.of("product.created"), "timeout_seconds", 10))
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
        return new Hook(id, path, answerDelay);
    }

    /** Requests of this webhook whose answer was given in [from, to): sent before, answered after, the stop. */
    private static long answeredBetween(Hook hook, Instant from, Instant to) {
        return receiver.requests(hook.path()).stream()
                .map(r -> r.receivedAt().plus(hook.answerDelay()))
                .filter(at -> !at.isBefore(from) && at.isBefore(to)).count();
    }

    /** {@code path webhook-id ×n} for every event a webhook received more than once. */
    private static List<String> sentTwice(List<Hook> hooks) {
        List<String> twice = new ArrayList<>();
        for (Hook hook : hooks) {
            Map<String, Integer> perEvent = new TreeMap<>();
            for (ReceivedRequest request : receiver.requests(hook.path())) {
                perEvent.merge(String.valueOf(request.header("webhook-id")), 1, Integer::sum);
            }
            perEvent.forEach((event, n) -> {
                if (n > 1) {
                    twice.add(hook.path() + " " + event + " ×" + n);
                }
            });
        }
        return twice;
    }

    private static long count(List<Hook> hooks, String status) throws SQLException {
        return statuses(hooks).getOrDefault(status, 0L);
    }

    /** These webhooks' deliveries by status. */
    private static Map<String, Long> statuses(List<Hook> hooks) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
             PreparedStatement query = c.prepareStatement("SELECT status, count(*) FROM webhook_deliveries "
                     + "WHERE webhook_id = ANY (?::uuid[]) GROUP BY status")) {
            query.setArray(1, c.createArrayOf("text", hooks.stream().map(Hook::id).toArray()));
            Map<String, Long> counts = new TreeMap<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        }
    }

    /** How many of the replicas answer {@code /q/health/live} with 200. */
    private static int live(List<ServiceProcess> replicas) {
        int live = 0;
        for (ServiceProcess replica : replicas) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/q/health/live"))
                    .timeout(Duration.ofSeconds(10)).build();
            try {
                live += HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 ? 1 : 0;
            } catch (IOException e) {
                // not live
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return live;
    }

    /** e.g. {@code {201=250, 503=40, no answer=10}}. */
    private static String outcomes(List<Write> writes) {
        Map<String, Long> counts = new TreeMap<>();
        writes.forEach(w -> counts.merge(w.status() == 0 ? "no answer" : Integer.toString(w.status()), 1L, Long::sum));
        return counts.toString();
    }

    private static String seconds(Duration duration) {
        return FaultSummaryTable.seconds(duration);
    }
}
