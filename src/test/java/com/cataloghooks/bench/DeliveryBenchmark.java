package com.cataloghooks.bench;

import com.cataloghooks.delivery.state.ClaimSql;
import com.cataloghooks.testsupport.TestAuth;
import static com.cataloghooks.bench.Units.fmt;
import static com.cataloghooks.bench.Units.mb;
import static com.cataloghooks.bench.Units.ms;

import com.cataloghooks.testsupport.LoadGenerator;
import com.cataloghooks.testsupport.PackagedArtifact;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Webhook delivery measured against its ceilings, in one run: the packaged JVM jar ({@link ServiceProcess}) on the
 * test infrastructure's PostgreSQL and Kafka ({@link TestInfrastructure}), delivering to {@link FastReceiver}.
 * <ol>
 *   <li>Ceilings: one-row insert transactions/s on the service's PostgreSQL (8 JDBC threads, autocommit), and
 *       loopback POSTs/s to the receiver (keep-alive client, 16 at a time).</li>
 *   <li>End to end: 10 webhooks on every event, {@code bench.products} products POSTed 16 at a time (after an
 *       unmeasured warm-up): deliveries/s, commit-to-receipt p50/p99, product POSTs/s and their p99; then half that
 *       POST rate, open loop, for 20 s: commit-to-receipt p99; for reference, product POSTs/s with no webhook.</li>
 *   <li>Isolation: one healthy webhook at 4 products/s for 15 s, alone, then beside 40 webhooks whose receiver
 *       answers 500 (retry_count 10, timeout_seconds 5): the healthy webhook's p99 each time.</li>
 *   <li>Backlog: {@code bench.backlog} due deliveries inserted by SQL for a webhook whose receiver refuses
 *       connections; {@code EXPLAIN (ANALYZE, BUFFERS)} of {@link ClaimSql#CLAIM}, which must use an index scan on
 *       {@code webhook_deliveries_webhook_due_idx}; the healthy webhook's p99 as in 3, and the service's RSS.</li>
 * </ol>
 * Commit time is when {@code POST /api/v1/products} answered 201; receipt is when the receiver had the body of the
 * first delivery of that product on that webhook's path. Both are {@link System#nanoTime()} of this JVM.
 *
 * <p>A plain program, not a test: {@code scripts/bench-delivery} packages the service and runs it with the test
 * classpath. Settings (system property, else environment variable):
 * <pre>
 *   bench.products            BENCH_PRODUCTS            3000         products of the end-to-end run
 *   bench.backlog             BENCH_BACKLOG             1000000      due deliveries of the backlog part
 *   bench.synchronous-commit  BENCH_SYNCHRONOUS_COMMIT  on           or "configured": the server's own setting
 *   bench.output-dir          BENCH_OUTPUT_DIR          target/bench-delivery
 *   bench.revision            BENCH_REVISION            (printed in the report's heading)
 * </pre>
 * Everything else is fixed, so that runs compare: the service runs with every {@code catalog.*} default.
 * The test PostgreSQL (zonky) is configured with {@code synchronous_commit=off}; by default the service's connections
 * and the ceiling's get {@code synchronous_commit=on} (a libpq {@code options} parameter on the JDBC URL), so that
 * every transaction measured is durable, as in production.
 *
 * <p>Writes {@code report.md} (the table, notes and the EXPLAIN) to the output directory. Exits 1 when the run
 * itself fails (the service does not start or deliver at all, an API call is refused, the claim statement does not
 * use its index); a missed goal is reported in the table, not a failure.
 */
public final class DeliveryBenchmark {

    private static final String LOG_PREFIX = "bench-delivery";
    private static final int WEBHOOKS = 10;
    private static final int CONCURRENCY = 16;
    private static final int WARM_UP_PRODUCTS = 200;
    /** Products of the reference run without any webhook: what the write path takes when nothing is delivered. */
    private static final int BARE_PRODUCTS = 500;
    private static final int PG_THREADS = 8;
    private static final int FAILING_WEBHOOKS = 40;
    private static final int FAILING_RETRY_COUNT = 10;
    private static final int FAILING_TIMEOUT_SECONDS = 5;
    private static final int MODEST_RATE = 4;
    private static final String HEALTHY_PATH = "/hook/healthy";
    private static final Duration CEILING_TIME = Duration.ofSeconds(10);
    private static final Duration CEILING_WARM_UP = Duration.ofSeconds(2);
    private static final Duration HALF_RATE_TIME = Duration.ofSeconds(20);
    private static final Duration MODEST_TIME = Duration.ofSeconds(15);
    /** After the last POST of the burst, how long its deliveries may take to arrive. */
    private static final Duration BURST_DRAIN = Duration.ofMinutes(4);
    /** After the last commit of a paced run, how long its deliveries may take before they count as undelivered. */
    private static final Duration PACED_DRAIN = Duration.ofSeconds(30);
    private static final Duration HALF_RATE_DRAIN = Duration.ofSeconds(60);
    /** How long the service may take to finish what an earlier part left, before the next part starts anyway. */
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Checking every expected delivery against the receiver costs more than a glance: not as often. */
    private static final Duration DELIVERY_POLL = Duration.ofMillis(250);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** The claim's parameters as the service passes them with its default settings (see CatalogConfig). */
    private static final int CLAIM_PER_WEBHOOK = 8;
    private static final int CLAIM_MAX = 1000;
    private static final int CLAIM_LEASE_MARGIN_SECONDS = 60;
    private static final String CLAIM_INDEX = "webhook_deliveries_webhook_due_idx";
    private static final Pattern CLAIM_INDEX_SCAN = Pattern.compile("Index (Only )?Scan using " + CLAIM_INDEX + "\\b");

    private static final double GOAL_DELIVERIES = 0.5;
    private static final double STRETCH_DELIVERIES = 1.0;
    private static final double GOAL_POSTS = 0.25;
    private static final long GOAL_HALF_RATE_P99_MS = 500;
    private static final double GOAL_ISOLATION = 2.0;
    private static final double GOAL_RSS = 1.5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final int products;
    private final int backlogRows;
    private final boolean synchronousCommitOn;
    private final Path outputDir;
    private final String revision;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();

    private TestInfrastructure infra;
    private String jdbcUrl;
    private String base;
    private ServiceProcess service;
    private List<String> events;

    /** One product the API acknowledged, and when. */
    private record Commit(String productId, long committedNanos) {
    }

    /** One closed-loop write. {@code productId} is null unless the API answered 201 with an id. */
    private record Write(long sentNanos, long answeredNanos, int status, String productId, String error) {
    }

    /** Commit-to-receipt times of the deliveries that arrived, and how many did not arrive in time. */
    private record Latencies(List<Long> sortedNanos, int missing, long lastArrivalNanos, Duration drain) {

        int expected() {
            return sortedNanos.size() + missing;
        }

        /** Nearest rank over all expected deliveries, the missing ones last; -1 when it falls on a missing one. */
        long percentile(double p) {
            int n = expected();
            if (n == 0) {
                return -1;
            }
            int rank = Math.max(1, (int) Math.ceil(p / 100 * n));
            return rank <= sortedNanos.size() ? sortedNanos.get(rank - 1) : -1;
        }

        String show(double p) {
            long nanos = percentile(p);
            if (nanos >= 0) {
                return ms(nanos);
            }
            return expected() == 0 ? "n/a (nothing committed)"
                    : fmt("> %d s (%,d of %,d undelivered)", drain.toSeconds(), missing, expected());
        }
    }

    /** A paced (open-loop) run: what it committed, what it could not, and its deliveries. */
    private record PacedRun(int rate, int refused, Latencies latencies, long maxRssKb, long failingRequests) {
    }

    /** Products POSTed {@value #CONCURRENCY} at a time, as the client saw them. */
    private record PostRun(int sent, List<Commit> commits, long firstSentNanos, double perSecond, long p99Nanos) {

        int refused() {
            return sent - commits.size();
        }
    }

    private record EndToEnd(PostRun posts, double deliveriesPerSecond, Latencies latencies) {
    }

    private record Ceilings(double pg, String sync, double pgConfigured, String configuredSync, double loopback) {
    }

    /** Part 2: the burst, whether the service had finished it before the half-rate run, and the write reference. */
    private record EndToEndPart(EndToEnd burst, String settled, PacedRun half, PostRun bare) {
    }

    private record IsolationPart(PacedRun alone, PacedRun beside, String settled) {
    }

    private record BacklogPart(long idleRssKb, long insertNanos, Explain explain, PacedRun healthy,
                               String deadStatus) {
    }

    /** The EXPLAIN output of the claim, and whether it probes the per-webhook due index. */
    private record Explain(List<String> plan, boolean usesIndex) {
    }

    private record Row(String figure, String value, String ceiling, String ratio, String goal, String met) {
    }

    private DeliveryBenchmark() {
        products = Integer.parseInt(setting("bench.products", "BENCH_PRODUCTS", "3000"));
        backlogRows = Integer.parseInt(setting("bench.backlog", "BENCH_BACKLOG", "1000000"));
        String sync = setting("bench.synchronous-commit", "BENCH_SYNCHRONOUS_COMMIT", "on");
        require(sync.equals("on") || sync.equals("configured"), "bench.synchronous-commit must be on or configured");
        synchronousCommitOn = sync.equals("on");
        outputDir = Path.of(setting("bench.output-dir", "BENCH_OUTPUT_DIR", "target/bench-delivery"));
        revision = setting("bench.revision", "BENCH_REVISION", "");
        require(products > 0 && backlogRows > 0, "bench.products and bench.backlog must be positive");
    }

    public static void main(String[] args) {
        int status;
        try {
            status = new DeliveryBenchmark().run();
        } catch (Exception | AssertionError e) {
            System.out.flush();
            System.err.println(LOG_PREFIX + ": BENCHMARK FAILED: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        // PostgreSQL and Kafka stop with this JVM (the test infrastructure's shutdown hooks)
        System.exit(status);
    }

    private int run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        log("starting PostgreSQL and Kafka (test infrastructure)");
        infra = TestInfrastructure.get();
        jdbcUrl = synchronousCommitOn ? withOption(infra.jdbcUrl(), "-c synchronous_commit=on") : infra.jdbcUrl();
        Ceilings ceilings;
        EndToEndPart e2e;
        IsolationPart isolation;
        BacklogPart backlog;
        try (FastReceiver receiver = FastReceiver.start()) {
            Map<String, String> env = synchronousCommitOn ? Map.of("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl) : Map.of();
            log("starting the service: %s, %s", PackagedArtifact.JAR, ServiceProcess.MAX_HEAP);
            try (ServiceProcess process = ServiceProcess.of(PackagedArtifact.JAR, infra, env).start()) {
                service = process;
                base = service.baseUrl();
                log("service ready at %s in %.1f s (pid %d, log %s)", base, service.lastStartup().toMillis() / 1e3,
                        service.pid(), service.log());
                events = allEvents();
                ceilings = ceilings(receiver);
                e2e = endToEndPart(receiver);
                isolation = isolationPart(receiver);
                backlog = backlogPart(receiver);
            }
        }
        if (!backlog.explain().usesIndex()) {
            failures.add("the claim statement does not use an index scan on " + CLAIM_INDEX + " (see the EXPLAIN)");
        }
        List<Row> rows = new ArrayList<>(ceilingRows(ceilings));
        rows.addAll(endToEndRows(e2e, ceilings));
        rows.addAll(isolationRows(isolation));
        rows.addAll(backlogRows(isolation.alone(), backlog));
        String report = report(rows, notes(e2e, isolation, backlog), ceilings, backlog.explain(), loadBefore,
                Duration.ofNanos(System.nanoTime() - started));
        System.out.println();
        System.out.println(report);
        Files.createDirectories(outputDir);
        Files.writeString(outputDir.resolve("report.md"), report);
        log("report written to %s", outputDir.resolve("report.md"));
        for (String failure : failures) {
            System.err.println(LOG_PREFIX + ": FAILED: " + failure);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    // ---- 1. ceilings ---------------------------------------------------------------------------------------------

    private Ceilings ceilings(FastReceiver receiver) throws Exception {
        String configured = show(infra.jdbcUrl(), "synchronous_commit");
        String used = show(jdbcUrl, "synchronous_commit");
        double pg = insertCeiling(jdbcUrl, "synchronous_commit=" + used);
        double pgConfigured = used.equals(configured) ? -1
                : insertCeiling(infra.jdbcUrl(), "synchronous_commit=" + configured + " (reference)");
        return new Ceilings(pg, used, pgConfigured, configured, loopbackCeiling(receiver));
    }

    /**
     * Autocommit inserts of one row each into a scratch table, {@value #PG_THREADS} connections at once, for
     * {@link #CEILING_TIME}: the most durable write transactions this PostgreSQL commits per second.
     */
    private double insertCeiling(String url, String label) throws Exception {
        log("ceiling 1a: one-row insert transactions, %d JDBC threads, %s, %d s", PG_THREADS, label,
                CEILING_TIME.toSeconds());
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_insert_ceiling");
            s.execute("CREATE TABLE bench_insert_ceiling (id bigserial PRIMARY KEY, payload text NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
        }
        try {
            AtomicLong inserts = new AtomicLong();
            long deadline = System.nanoTime() + CEILING_TIME.toNanos();
            long t0 = System.nanoTime();
            runOnThreads(PG_THREADS, "pg-ceiling", () -> {
                try (Connection c = connect(url);
                     PreparedStatement insert = c.prepareStatement(
                             "INSERT INTO bench_insert_ceiling (payload) VALUES (?)")) {
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        insert.setString(1, "ceiling row " + n++);
                        insert.executeUpdate();
                        inserts.incrementAndGet();
                    }
                }
                return null;
            });
            double perSecond = inserts.get() / seconds(System.nanoTime() - t0);
            log("ceiling 1a (%s): %,.0f transactions/s", label, perSecond);
            return perSecond;
        } finally {
            try (Connection c = connect(url); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_insert_ceiling");
            }
        }
    }

    /** POSTs of a delivery's size to the receiver, {@value #CONCURRENCY} at a time on kept-alive connections. */
    private double loopbackCeiling(FastReceiver receiver) throws Exception {
        log("ceiling 1b: POSTs to the receiver, %d at a time, %d s after a %d s warm-up", CONCURRENCY,
                CEILING_TIME.toSeconds(), CEILING_WARM_UP.toSeconds());
        String body = "{\"event\":\"product.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"id\":\""
                + UUID.randomUUID() + "\",\"sku\":\"DLVBENCH-CEILING-0001\",\"name\":\"Benchmark product\","
                + "\"description\":\"delivery benchmark\",\"active\":true,\"created_at\":\"2026-01-01T00:00:00Z\"}}";
        double perSecond = receiver.postsPerSecond("/ceiling", body, CONCURRENCY, CEILING_WARM_UP, CEILING_TIME);
        log("ceiling 1b: %,.0f POSTs/s", perSecond);
        return perSecond;
    }

    // ---- 2. end to end -------------------------------------------------------------------------------------------

    /** The burst, half its POST rate, and the write path alone for reference; the webhooks are deleted after. */
    private EndToEndPart endToEndPart(FastReceiver receiver) throws Exception {
        List<String> paths = new ArrayList<>();
        List<String> hookIds = new ArrayList<>();
        for (int i = 0; i < WEBHOOKS; i++) {
            paths.add("/hook/e2e/" + i);
            hookIds.add(createWebhook(receiver.url(paths.get(i)), Map.of()));
        }
        warmUp(paths, receiver);
        EndToEnd burst = endToEnd(paths, receiver);
        String settled = awaitSettled("the end-to-end burst");
        int halfRate = Math.max(1, (int) Math.round(burst.posts().perSecond() / 2));
        PacedRun half = paced("half rate", halfRate, HALF_RATE_TIME, paths, receiver, -1, HALF_RATE_DRAIN);
        hookIds.forEach(this::deleteWebhook);
        log("reference: %,d products, %d at a time, with no webhook subscribed", BARE_PRODUCTS, CONCURRENCY);
        PostRun bare = postRun(BARE_PRODUCTS, "no-webhook");
        return new EndToEndPart(burst, settled, half, bare);
    }

    /** A first burst, not measured: class loading, JIT, topic creation and the consumer group's first join. */
    private void warmUp(List<String> paths, FastReceiver receiver) throws Exception {
        log("warm-up: %d products, %d at a time, to %d webhooks (not measured)", WARM_UP_PRODUCTS, CONCURRENCY,
                paths.size());
        List<Write> writes = postConcurrently(WARM_UP_PRODUCTS, "warmup");
        Latencies warm = awaitDeliveries("warm-up", commits(writes), paths, receiver, BURST_DRAIN);
        require(!warm.sortedNanos().isEmpty(), "no delivery at all arrived within " + BURST_DRAIN.toMinutes()
                + " min of the warm-up; see the service log");
        if (warm.missing() > 0) {
            log("warm-up: %,d of %,d deliveries did not arrive; going on", warm.missing(), warm.expected());
        }
    }

    private EndToEnd endToEnd(List<String> paths, FastReceiver receiver) throws Exception {
        log("end to end: %,d products, %d at a time, to %d webhooks on all events", products, CONCURRENCY,
                paths.size());
        PostRun posts = postRun(products, "e2e");
        Latencies latencies = awaitDeliveries("end to end", posts.commits(), paths, receiver, BURST_DRAIN);
        double deliveriesPerSecond = latencies.sortedNanos().size()
                / seconds(latencies.lastArrivalNanos() - posts.firstSentNanos());
        log("end to end: %,d deliveries at %,.0f/s; commit->receipt p50 %s, p99 %s", latencies.sortedNanos().size(),
                deliveriesPerSecond, latencies.show(50), latencies.show(99));
        return new EndToEnd(posts, deliveriesPerSecond, latencies);
    }

    /** {@code count} products, {@value #CONCURRENCY} at a time: how fast the API took them. */
    private PostRun postRun(int count, String tag) throws Exception {
        List<Write> writes = postConcurrently(count, tag);
        List<Commit> commits = commits(writes);
        long firstSent = writes.stream().mapToLong(Write::sentNanos).min().orElseThrow();
        long lastAnswered = writes.stream().mapToLong(Write::answeredNanos).max().orElseThrow();
        double perSecond = writes.size() / seconds(lastAnswered - firstSent);
        List<Long> nanos = writes.stream().map(w -> w.answeredNanos() - w.sentNanos()).sorted().toList();
        long p99 = nanos.get(Math.max(0, (int) Math.ceil(0.99 * nanos.size()) - 1));
        log("%s: %,d POSTs in %s (%,.0f/s, p99 %s), %,d not acknowledged", tag, writes.size(),
                ms(lastAnswered - firstSent), perSecond, ms(p99), writes.size() - commits.size());
        return new PostRun(writes.size(), commits, firstSent, perSecond, p99);
    }

    /** Creates {@code count} products, {@value #CONCURRENCY} requests in flight at any time. */
    private List<Write> postConcurrently(int count, String tag) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger next = new AtomicInteger();
        List<Write> writes = Collections.synchronizedList(new ArrayList<>(count));
        runOnThreads(CONCURRENCY, "post-" + tag, () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                String body = "{\"sku\":\"DLVBENCH-" + tag + "-" + run + "-" + i + "\",\"name\":\"Benchmark product "
                        + i + "\",\"description\":\"delivery benchmark\"}";
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/products")).header("Authorization", TestAuth.BEARER)
                        .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                long sent = System.nanoTime();
                try {
                    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long answered = System.nanoTime();
                    String id = answer.statusCode() != 201 ? null
                            : JSON.readTree(answer.body()).path("id").asText(null);
                    writes.add(new Write(sent, answered, answer.statusCode(), id,
                            id == null ? "answered " + answer.statusCode() + ": " + answer.body() : null));
                } catch (IOException e) {
                    writes.add(new Write(sent, System.nanoTime(), 0, null, e.toString()));
                }
            }
            return null;
        });
        writes.stream().filter(w -> w.productId() == null).limit(3)
                .forEach(w -> log("a product write was not acknowledged: %s", w.error()));
        return List.copyOf(writes);
    }

    /**
     * Creates products at {@code rate} per second for {@code duration}, open loop ({@link LoadGenerator}), and
     * measures commit-to-receipt on {@code paths}. With a {@code pid}, samples the service's RSS meanwhile.
     */
    private PacedRun paced(String label, int rate, Duration duration, List<String> paths, FastReceiver receiver,
                           long pid, Duration drain) throws Exception {
        int total = (int) (rate * duration.toSeconds());
        log("%s: %d products/s for %d s (%,d products, open loop) to %d webhook(s)", label, rate,
                duration.toSeconds(), total, paths.size());
        long failingBefore = receiver.requestsUnder(FastReceiver.FAILING);
        try (RssSampler rss = pid > 0 ? new RssSampler(pid) : null;
             LoadGenerator load = LoadGenerator.start(List.of(base), rate, total, "DLVBENCH-paced")) {
            long deadline = System.nanoTime()
                    + duration.plus(LoadGenerator.REQUEST_TIMEOUT).plusSeconds(10).toNanos();
            while (!load.isDone()) {
                requireServiceAlive();
                require(System.nanoTime() < deadline, label + ": only " + load.writes().size() + " of " + total
                        + " product writes answered by the deadline");
                Thread.sleep(POLL.toMillis()); // polling the generator's state, bounded by the deadline above
            }
            List<LoadGenerator.Write> writes = load.writes();
            List<Commit> commits = writes.stream().filter(LoadGenerator.Write::committed)
                    .map(w -> new Commit(w.productId(), w.answeredNanos())).toList();
            Latencies latencies = awaitDeliveries(label, commits, paths, receiver, drain);
            long maxRssKb = rss == null ? -1 : rss.maxKb();
            log("%s: commit->receipt p50 %s, p99 %s%s", label, latencies.show(50), latencies.show(99),
                    maxRssKb < 0 ? "" : ", max RSS " + mb(maxRssKb));
            return new PacedRun(rate, writes.size() - commits.size(), latencies, maxRssKb,
                    receiver.requestsUnder(FastReceiver.FAILING) - failingBefore);
        }
    }

    /**
     * Waits until every committed product has reached every path, or until {@code drain} after the last commit;
     * what has not arrived by then counts as missing.
     */
    private Latencies awaitDeliveries(String label, List<Commit> commits, List<String> paths, FastReceiver receiver,
                                      Duration drain) throws InterruptedException {
        long lastCommit = commits.stream().mapToLong(Commit::committedNanos).max().orElse(System.nanoTime());
        long deadline = Math.max(lastCommit, System.nanoTime()) + drain.toNanos();
        List<long[]> pending = new ArrayList<>(); // {commit index, path index}
        for (int c = 0; c < commits.size(); c++) {
            for (int p = 0; p < paths.size(); p++) {
                pending.add(new long[]{c, p});
            }
        }
        int expected = pending.size();
        List<Long> latencies = new ArrayList<>(expected);
        long lastArrival = 0;
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (true) {
            List<long[]> still = new ArrayList<>();
            for (long[] pair : pending) {
                Commit commit = commits.get((int) pair[0]);
                long arrived = receiver.firstArrival(paths.get((int) pair[1]), commit.productId());
                if (arrived < 0) {
                    still.add(pair);
                } else {
                    // a delivery can arrive before the client has read the 201 (microseconds): count that as 0
                    latencies.add(Math.max(0, arrived - commit.committedNanos()));
                    lastArrival = Math.max(lastArrival, arrived);
                }
            }
            pending = still;
            long now = System.nanoTime();
            if (pending.isEmpty() || now >= deadline) {
                break;
            }
            requireServiceAlive();
            if (now >= nextProgress) {
                log("%s: %,d of %,d deliveries received", label, expected - pending.size(), expected);
                nextProgress = now + PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(DELIVERY_POLL.toMillis()); // polling the receiver's tally, bounded by the deadline above
        }
        if (!pending.isEmpty()) {
            log("%s: %,d of %,d deliveries had not arrived %d s after the last commit", label, pending.size(),
                    expected, drain.toSeconds());
        }
        Collections.sort(latencies);
        return new Latencies(latencies, pending.size(), lastArrival, drain);
    }

    // ---- 3 and 4. isolation and backlog --------------------------------------------------------------------------

    /** The healthy webhook alone, then beside the failing ones; those are deleted after. */
    private IsolationPart isolationPart(FastReceiver receiver) throws Exception {
        createWebhook(receiver.url(HEALTHY_PATH), Map.of());
        PacedRun alone = paced("healthy alone", MODEST_RATE, MODEST_TIME, List.of(HEALTHY_PATH), receiver, -1,
                PACED_DRAIN);
        List<String> failingIds = new ArrayList<>();
        for (int i = 0; i < FAILING_WEBHOOKS; i++) {
            failingIds.add(createWebhook(receiver.url(FastReceiver.FAILING + i),
                    Map.of("retry_count", FAILING_RETRY_COUNT, "timeout_seconds", FAILING_TIMEOUT_SECONDS)));
        }
        PacedRun beside = paced("healthy beside " + FAILING_WEBHOOKS + " failing", MODEST_RATE, MODEST_TIME,
                List.of(HEALTHY_PATH), receiver, -1, PACED_DRAIN);
        failingIds.forEach(this::deleteWebhook);
        return new IsolationPart(alone, beside, awaitSettled("the failing webhooks were deleted"));
    }

    /** The backlog for a dead receiver, the claim's plan over it, and the healthy webhook beside it. */
    private BacklogPart backlogPart(FastReceiver receiver) throws Exception {
        long idleRssKb = idleRss(service.pid());
        String deadId = createWebhook(deadUrl(), Map.of());
        long insertNanos = insertBacklog(deadId);
        Explain explain = explainClaim();
        PacedRun healthy = paced("healthy beside the backlog", MODEST_RATE, MODEST_TIME, List.of(HEALTHY_PATH),
                receiver, service.pid(), PACED_DRAIN);
        return new BacklogPart(idleRssKb, insertNanos, explain, healthy, statusCounts(deadId));
    }

    /**
     * Waits until no delivery is pending or in flight, so that the next part starts on an idle service; at most
     * {@link #SETTLE}, then the next part starts anyway (and the report says so).
     */
    private String awaitSettled(String after) throws Exception {
        log("waiting until no delivery is pending or in flight, at most %d s", SETTLE.toSeconds());
        long t0 = System.nanoTime();
        long deadline = t0 + SETTLE.toNanos();
        long unfinished;
        while ((unfinished = unfinishedDeliveries()) > 0 && System.nanoTime() < deadline) {
            requireServiceAlive();
            Thread.sleep(POLL.toMillis() * 5); // polling the database, bounded by the deadline above
        }
        String outcome = unfinished == 0
                ? fmt("no delivery was pending or in flight %s after %s", ms(System.nanoTime() - t0), after)
                : fmt("%,d deliveries were still pending or in flight %d s after %s (the next part started anyway)",
                unfinished, SETTLE.toSeconds(), after);
        log("%s", outcome);
        return outcome + ".";
    }

    private long unfinishedDeliveries() throws SQLException {
        try (Connection c = connect(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'in_flight')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The highest RSS sampled over 3 s with nothing to deliver. */
    private long idleRss(long pid) throws InterruptedException {
        try (RssSampler rss = new RssSampler(pid)) {
            Thread.sleep(3000); // the sampling window itself, not a wait for anything
            long kb = rss.maxKb();
            log("service RSS, idle: %s", mb(kb));
            return kb;
        }
    }

    /** A URL on 127.0.0.1 whose port was free a moment ago: connections to it are refused. */
    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/dead";
        }
    }

    private long insertBacklog(String webhookId) throws SQLException {
        log("backlog: inserting %,d pending deliveries for webhook %s, whose receiver refuses connections",
                backlogRows, webhookId);
        long t0 = System.nanoTime();
        try (Connection c = connect(jdbcUrl);
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                                                     next_attempt_at, created_at, updated_at)
                     SELECT gen_random_uuid(), gen_random_uuid(), ?, 'product.created',
                            '{"event":"product.created","timestamp":"2026-01-01T00:00:00Z","data":{"id":"'
                                || gen_random_uuid() || '","sku":"DLVBENCH-BACKLOG-' || g || '"}}',
                            'pending', 0, now(), now(), now()
                     FROM generate_series(1, ?) AS g""");
             Statement s = c.createStatement()) {
            insert.setObject(1, UUID.fromString(webhookId));
            insert.setInt(2, backlogRows);
            int inserted = insert.executeUpdate();
            require(inserted == backlogRows, "inserted " + inserted + " rows, not " + backlogRows);
            long insertNanos = System.nanoTime() - t0;
            s.execute("ANALYZE webhook_deliveries");
            log("backlog: inserted in %s, analyzed in %s", ms(insertNanos), ms(System.nanoTime() - t0 - insertNanos));
            return insertNanos;
        }
    }

    /**
     * {@code EXPLAIN (ANALYZE, BUFFERS)} of the service's claim with the parameters its defaults give, in a
     * transaction rolled back afterwards (the claim leases rows).
     */
    private Explain explainClaim() throws SQLException {
        log("EXPLAIN (ANALYZE, BUFFERS) of ClaimSql.CLAIM");
        List<String> plan = new ArrayList<>();
        try (Connection c = connect(jdbcUrl)) {
            c.setAutoCommit(false);
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + ClaimSql.CLAIM)) {
                explain.setArray(1, c.createArrayOf("uuid", new Object[0]));
                explain.setArray(2, c.createArrayOf("int4", new Object[0]));
                explain.setArray(3, c.createArrayOf("uuid", new Object[0])); // no rate-limited webhook
                explain.setArray(4, c.createArrayOf("int4", new Object[0]));
                explain.setInt(5, CLAIM_PER_WEBHOOK);
                explain.setInt(6, CLAIM_PER_WEBHOOK);
                explain.setObject(7, new UUID(0, 0));
                explain.setInt(8, CLAIM_MAX);
                explain.setString(9, "bench-explain");
                explain.setDouble(10, CLAIM_LEASE_MARGIN_SECONDS);
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            } finally {
                c.rollback();
            }
        }
        boolean usesIndex = plan.stream().anyMatch(line -> CLAIM_INDEX_SCAN.matcher(line).find());
        log("the claim %s an index scan on %s", usesIndex ? "uses" : "DOES NOT use", CLAIM_INDEX);
        return new Explain(plan, usesIndex);
    }

    /** The webhook's deliveries by status, with the attempts made on them, e.g. "pending 999,990 (attempts 0)". */
    private String statusCounts(String webhookId) throws SQLException {
        List<String> counts = new ArrayList<>();
        try (Connection c = connect(jdbcUrl);
             PreparedStatement s = c.prepareStatement("SELECT status, count(*), sum(attempts) FROM webhook_deliveries "
                     + "WHERE webhook_id = ? GROUP BY status ORDER BY status")) {
            s.setObject(1, UUID.fromString(webhookId));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.add(fmt("%s %,d (attempts %,d)", rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return String.join(", ", counts);
    }

    /** The service's VmRSS every 100 ms while open; the highest seen. */
    private static final class RssSampler implements AutoCloseable {
        private final AtomicLong max = new AtomicLong(-1);
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rss-sampler");
            thread.setDaemon(true);
            return thread;
        });

        RssSampler(long pid) {
            String id = Long.toString(pid);
            sampler.scheduleAtFixedRate(() -> max.accumulateAndGet(ProcStatus.kb(id, "VmRSS"), Math::max),
                    0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        }

        long maxKb() {
            return max.get();
        }

        @Override
        public void close() {
            sampler.shutdownNow();
        }
    }

    // ---- the service's API ---------------------------------------------------------------------------------------

    private List<String> allEvents() throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode event : JSON.readTree(send("GET", base + "/api/v1/webhooks/events", null, 200))) {
            names.add(event.path("event").asText());
        }
        require(names.contains("product.created"), "GET /api/v1/webhooks/events lists no product.created: " + names);
        return names;
    }

    private String createWebhook(String url, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("events", events);
        body.putAll(extra);
        try {
            return JSON.readTree(send("POST", base + "/api/v1/webhooks", JSON.writeValueAsString(body), 201))
                    .path("id").asText();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("creating a webhook failed: " + e, e);
        }
    }

    private void deleteWebhook(String id) {
        try {
            send("DELETE", base + "/api/v1/webhooks/" + id, null, 204);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("deleting webhook " + id + " failed: " + e, e);
        }
    }

    private String send(String method, String url, String json, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestAuth.BEARER).timeout(REQUEST_TIMEOUT);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        require(answer.statusCode() == expected, method + " " + url + " answered " + answer.statusCode()
                + " (expected " + expected + "): " + answer.body());
        return answer.body();
    }

    // ---- the report ----------------------------------------------------------------------------------------------

    private List<Row> ceilingRows(Ceilings c) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(fmt("1a. PostgreSQL one-row insert transactions/s (%d JDBC threads, autocommit, "
                        + "synchronous_commit=%s, %d s)", PG_THREADS, c.sync(), CEILING_TIME.toSeconds()),
                fmt("%,.0f", c.pg()), "", "", "", ""));
        if (c.pgConfigured() >= 0) {
            rows.add(new Row(fmt("1a'. the same at the test server's configured synchronous_commit=%s (reference, "
                    + "not durable)", c.configuredSync()), fmt("%,.0f", c.pgConfigured()), "", "", "", ""));
        }
        rows.add(new Row(fmt("1b. loopback POSTs/s to the benchmark's receiver (Vert.x server; Vert.x client, "
                        + "keep-alive, %d at a time, %d s after %d s unmeasured)", CONCURRENCY,
                        CEILING_TIME.toSeconds(), CEILING_WARM_UP.toSeconds()),
                fmt("%,.0f", c.loopback()), "", "", "", ""));
        return rows;
    }

    private List<Row> endToEndRows(EndToEndPart part, Ceilings c) {
        EndToEnd e2e = part.burst();
        PacedRun half = part.half();
        PostRun bare = part.bare();
        double pg = c.pg();
        String run = fmt("%d webhooks on all events x %,d products POSTed %d at a time, after a %d-product warm-up",
                WEBHOOKS, products, CONCURRENCY, WARM_UP_PRODUCTS);
        Latencies l = e2e.latencies();
        String complete = l.missing() == 0 ? "" : fmt("; %,d of %,d undelivered after %d min", l.missing(),
                l.expected(), BURST_DRAIN.toMinutes());
        double ratio = e2e.deliveriesPerSecond() / pg;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(fmt("2. deliveries/s, first POST to last receipt (%s%s)", run, complete),
                fmt("%,.0f", e2e.deliveriesPerSecond()), fmt("%,.0f (1a)", pg), fmt("%.2f", ratio),
                fmt(">= %.1f (stretch %.1f)", GOAL_DELIVERIES, STRETCH_DELIVERIES),
                l.missing() > 0 ? "**no** (incomplete)"
                        : met(ratio >= GOAL_DELIVERIES) + " (stretch: " + met(ratio >= STRETCH_DELIVERIES) + ")"));
        rows.add(new Row("2. the same deliveries/s against the loopback ceiling (reference)",
                fmt("%,.0f", e2e.deliveriesPerSecond()), fmt("%,.0f (1b)", c.loopback()),
                fmt("%.2f", e2e.deliveriesPerSecond() / c.loopback()), "", ""));
        rows.add(new Row(fmt("2. commit->receipt p50, same run (all %,d deliveries)", l.expected()), l.show(50),
                "", "", "", ""));
        rows.add(new Row("2. commit->receipt p99, same run", l.show(99), "", "", "", ""));
        double postRatio = e2e.posts().perSecond() / pg;
        rows.add(new Row(fmt("2. product POSTs/s during delivery (%d at a time%s)", CONCURRENCY,
                        e2e.posts().refused() > 0 ? fmt("; %d not acknowledged", e2e.posts().refused()) : ""),
                fmt("%,.0f", e2e.posts().perSecond()), fmt("%,.0f (1a)", pg), fmt("%.2f", postRatio),
                fmt(">= %.2f", GOAL_POSTS), met(postRatio >= GOAL_POSTS)));
        rows.add(new Row("2. product POST p99 during delivery", ms(e2e.posts().p99Nanos()), "", "", "", ""));
        rows.add(new Row(fmt("2. (reference) product POSTs/s with no webhook subscribed, after the runs above (%d "
                        + "products, %d at a time; p99 %s%s)", BARE_PRODUCTS, CONCURRENCY, ms(bare.p99Nanos()),
                        bare.refused() > 0 ? fmt("; %d not acknowledged", bare.refused()) : ""),
                fmt("%,.0f", bare.perSecond()), fmt("%,.0f (1a)", pg), fmt("%.2f", bare.perSecond() / pg), "", ""));
        long halfP99 = half.latencies().percentile(99);
        rows.add(new Row(fmt("2. commit->receipt p99 at half that POST rate (%d products/s open loop, %d s, %d "
                        + "webhooks: %,d deliveries)", half.rate(), HALF_RATE_TIME.toSeconds(), WEBHOOKS,
                        half.latencies().expected()),
                half.latencies().show(99), "", "", fmt("<= %d ms", GOAL_HALF_RATE_P99_MS),
                met(halfP99 >= 0 && halfP99 <= GOAL_HALF_RATE_P99_MS * 1_000_000)));
        return rows;
    }

    private List<Row> isolationRows(IsolationPart part) {
        PacedRun alone = part.alone();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(fmt("3. healthy webhook commit->receipt p99, alone (1 webhook, %d products/s, %d s)",
                MODEST_RATE, MODEST_TIME.toSeconds()), alone.latencies().show(99), "", "", "(reference)", ""));
        rows.add(isolationRow(fmt("3. the same beside %d webhooks answering 500 at once (retry_count %d, "
                        + "timeout_seconds %d)", FAILING_WEBHOOKS, FAILING_RETRY_COUNT, FAILING_TIMEOUT_SECONDS),
                alone, part.beside()));
        return rows;
    }

    private List<Row> backlogRows(PacedRun alone, BacklogPart part) {
        PacedRun backlog = part.healthy();
        long idleRssKb = part.idleRssKb();
        boolean usesIndex = part.explain().usesIndex();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(fmt("4. the claim (ClaimSql.CLAIM) probes %s by an index scan, %,d pending (EXPLAIN below)",
                CLAIM_INDEX, backlogRows), usesIndex ? "yes" : "no", "", "", "yes", met(usesIndex)));
        rows.add(isolationRow(fmt("4. healthy webhook commit->receipt p99 beside %,d due deliveries of a webhook whose "
                + "receiver refuses connections (default retry_count/timeout_seconds; %d products/s, %d s)",
                backlogRows, MODEST_RATE, MODEST_TIME.toSeconds()), alone, backlog));
        double ratio = (double) backlog.maxRssKb() / idleRssKb;
        rows.add(new Row("4. service RSS during the backlog (max of samples every 100 ms; " + ServiceProcess.MAX_HEAP
                        + ")", mb(backlog.maxRssKb()), mb(idleRssKb) + " (idle before)", fmt("%.2f", ratio),
                fmt("<= %.1f", GOAL_RSS), met(backlog.maxRssKb() > 0 && ratio <= GOAL_RSS)));
        return rows;
    }

    /** A p99 against the healthy webhook's p99 alone; undelivered deliveries miss the goal. */
    private static Row isolationRow(String figure, PacedRun alone, PacedRun measured) {
        long reference = alone.latencies().percentile(99);
        long value = measured.latencies().percentile(99);
        boolean comparable = reference > 0 && value >= 0;
        double ratio = comparable ? (double) value / reference : Double.NaN;
        return new Row(figure, measured.latencies().show(99), alone.latencies().show(99) + " (alone)",
                comparable ? fmt("%.2f", ratio) : "n/a", fmt("<= %.1f", GOAL_ISOLATION),
                met(comparable && ratio <= GOAL_ISOLATION));
    }

    private List<String> notes(EndToEndPart e2e, IsolationPart isolation, BacklogPart backlog) {
        List<String> notes = new ArrayList<>();
        notes.add("Part 2: before the half-rate run, " + e2e.settled());
        notes.add(fmt("Part 3: the failing webhooks' paths received %,d requests (attempts, retries included) while "
                        + "the healthy webhook was measured beside them. Before part 4, %s",
                isolation.beside().failingRequests(), isolation.settled()));
        notes.add(fmt("Part 4: %,d pending deliveries inserted in %s (one INSERT ... SELECT FROM generate_series), "
                        + "then ANALYZE. The dead webhook subscribes to all events, so each product created meanwhile "
                        + "added one more; after the measurement its rows were: %s.", backlogRows,
                ms(backlog.insertNanos()), backlog.deadStatus()));
        int[] refused = {e2e.burst().posts().refused(), e2e.half().refused(), e2e.bare().refused(),
                isolation.alone().refused(), isolation.beside().refused(), backlog.healthy().refused()};
        if (Arrays.stream(refused).sum() > 0) {
            notes.add(fmt("Product writes not acknowledged with 201 (counted as not committed): burst %d, half rate "
                    + "%d, no webhook %d, isolation %d + %d, backlog %d.", refused[0], refused[1], refused[2],
                    refused[3], refused[4], refused[5]));
        }
        return notes;
    }

    private String report(List<Row> rows, List<String> notes, Ceilings ceilings, Explain explain, String loadBefore,
                          Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(fmt("## Delivery benchmark, %s%s%n%n", LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS),
                revision.isEmpty() ? "" : " (" + revision + ")"));
        out.append(fmt("`scripts/bench-delivery`: the packaged JVM jar (%s, Java %s) with every catalog.* setting at "
                        + "its default, on the test infrastructure's PostgreSQL and Kafka; its database connections "
                        + "and the benchmark's at synchronous_commit=%s (the test server's own setting: %s). %d "
                        + "CPUs, load average %s at the start, %s at the end; the run took %s. Only ratios "
                        + "within one run mean anything on this machine.%n%n",
                ServiceProcess.MAX_HEAP, System.getProperty("java.version"),
                ceilings.sync(), ceilings.configuredSync(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage(), ms(took.toNanos())));
        out.append("| figure | value | ceiling | ratio to ceiling | goal | met? |\n");
        out.append("|---|---:|---:|---:|---|---|\n");
        for (Row row : rows) {
            out.append(fmt("| %s | %s | %s | %s | %s | %s |%n", row.figure(), row.value(), row.ceiling(), row.ratio(),
                    row.goal(), row.met()));
        }
        out.append(fmt("%nCommit: the 201 of POST /api/v1/products reached the client. Receipt: the receiver had the "
                + "whole body of the first delivery of that product (data.id) on that webhook's path. Percentiles "
                + "are nearest-rank over every expected delivery; one that had not arrived by the deadline counts "
                + "as slower than any that did.%n"));
        for (String note : notes) {
            out.append(fmt("%n%s%n", note));
        }
        out.append(fmt("%n### EXPLAIN%n%n`EXPLAIN (ANALYZE, BUFFERS)` of `ClaimSql.CLAIM` with %,d pending deliveries "
                        + "for the dead webhook, after ANALYZE, in a transaction rolled back afterwards. Parameters: "
                        + "no webhook busy ('{}', '{}'), %d per webhook (twice), cursor %s, at most %d, owner "
                        + "bench-explain, lease margin %d s (the service's defaults). Index scan on %s: **%s**."
                        + "%n%n```%n",
                backlogRows, CLAIM_PER_WEBHOOK, new UUID(0, 0), CLAIM_MAX, CLAIM_LEASE_MARGIN_SECONDS, CLAIM_INDEX,
                explain.usesIndex() ? "yes" : "NO"));
        explain.plan().forEach(line -> out.append(line).append('\n'));
        out.append("```\n");
        return out.toString();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private interface Work {
        Void call() throws Exception;
    }

    /** Runs {@code work} on {@code threads} threads at once and waits for all; rethrows the first failure. */
    private static void runOnThreads(int threads, String name, Work work) throws Exception {
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(work::call));
            }
            for (Future<Void> future : running) {
                future.get(30, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Ends the run at once if the service process is gone, instead of waiting out every deadline after it. */
    private void requireServiceAlive() {
        require(ProcessHandle.of(service.pid()).map(ProcessHandle::isAlive).orElse(false),
                "the service exited during the run; see " + service.log());
    }

    private static List<Commit> commits(List<Write> writes) {
        return writes.stream().filter(w -> w.productId() != null)
                .map(w -> new Commit(w.productId(), w.answeredNanos())).toList();
    }

    private Connection connect(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url, infra.username(), infra.password());
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = '5min'"); // no statement of this benchmark may hang it
        }
        return c;
    }

    private String show(String url, String setting) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Adds a libpq {@code options} parameter (server settings for every session) to a JDBC URL. */
    private static String withOption(String url, String options) {
        return url + (url.contains("?") ? "&" : "?") + "options=" + URLEncoder.encode(options, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    private static String setting(String property, String env, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println(LOG_PREFIX + " " + LocalDateTime.now().format(CLOCK) + " " + fmt(format, args));
    }
}
