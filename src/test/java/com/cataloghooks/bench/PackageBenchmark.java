package com.cataloghooks.bench;

import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.PackagedArtifact;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import com.cataloghooks.testsupport.TestReceiver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM fast-jar and the native executable side by side, in one run, on one PostgreSQL, Kafka broker and receiver:
 * time from process start to {@code /q/health/ready} = UP (median of several starts), RSS when ready, and a delivery
 * run ({@code --webhooks} webhooks on product.created, {@code --products} products written {@code --concurrency} at
 * a time) with its deliveries/s and the RSS after it. The ceiling of the same run is the receiver itself: POSTs
 * sent to it straight from this program, as many as the deliveries, at the service's per-webhook concurrency.
 *
 * <p>A plain program, not a test: {@code scripts/native-check} builds both packages and runs it with the test
 * classpath. Options ({@code --name=value}): {@code --products} 1000, {@code --webhooks} 10, {@code --concurrency}
 * 16, {@code --starts} 5, {@code --output} target/package-benchmark.md. Exits 1 when a run fails (an event not
 * delivered within the deadline, a write refused); a missed goal is reported, not a failure.
 */
public final class PackageBenchmark {

    private static final Duration DELIVERY_DEADLINE = Duration.ofMinutes(10);
    private static final String SKU_PREFIX = "PKGBENCH-";
    /** Matches catalog.delivery.max-in-flight-per-webhook's default: the ceiling uses the same parallelism. */
    private static final int PER_WEBHOOK_CONCURRENCY = 8;

    private final int products;
    private final int webhooks;
    private final int concurrency;
    private final int starts;
    private final Path output;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What one package's starts showed: each time to ready, and the median memory when ready. */
    private record Startup(List<Duration> times, long rssKb, long anonKb, long fileKb) {

        Duration median() {
            List<Duration> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }
    }

    /** What one package's delivery run showed. */
    private record Delivery(long rssAfterKb, long hwmKb, int deliveries, Duration wall) {

        double perSecond() {
            return deliveries / (wall.toNanos() / 1e9);
        }
    }

    private PackageBenchmark(Map<String, String> options) {
        this.products = Integer.parseInt(options.getOrDefault("products", "1000"));
        this.webhooks = Integer.parseInt(options.getOrDefault("webhooks", "10"));
        this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "16"));
        this.starts = Integer.parseInt(options.getOrDefault("starts", "5"));
        this.output = Path.of(options.getOrDefault("output", "target/package-benchmark.md"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int status;
        try {
            status = new PackageBenchmark(options).run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        // the shared test servers stop with this JVM (their shutdown hooks)
        System.exit(status);
    }

    private int run() throws Exception {
        TestInfrastructure infra = TestInfrastructure.get();
        Map<PackagedArtifact, Startup> startups = measureStartups(infra);
        Map<PackagedArtifact, Delivery> deliveries = new EnumMap<>(PackagedArtifact.class);
        double ceiling;
        try (TestReceiver receiver = TestReceiver.start()) {
            ceiling = receiverCeiling(receiver);
            receiver.reset();
            for (PackagedArtifact artifact : PackagedArtifact.values()) {
                System.out.println("package-benchmark: deliveries, " + artifact);
                deliveries.put(artifact, measureDeliveries(artifact, infra, receiver));
                receiver.reset();
            }
        }
        String report = report(startups, deliveries, ceiling);
        System.out.println(report);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, report);
        return 0;
    }

    /**
     * Starts each package {@code starts} times, alternating, before any delivery run, so that both meet the same
     * database and broker (no autovacuum after 10,000 deliveries for one of them). One unmeasured start each
     * first brings their files into the page cache.
     */
    private Map<PackagedArtifact, Startup> measureStartups(TestInfrastructure infra) {
        Map<PackagedArtifact, List<Duration>> times = new EnumMap<>(PackagedArtifact.class);
        Map<PackagedArtifact, List<Map<String, Long>>> memory = new EnumMap<>(PackagedArtifact.class);
        for (int round = 0; round <= starts; round++) {
            for (PackagedArtifact artifact : PackagedArtifact.values()) {
                System.out.println("package-benchmark: start " + round + " of " + starts + ", " + artifact);
                try (ServiceProcess service = ServiceProcess.of(artifact, infra, Map.of()).start()) {
                    Map<String, Long> ready = memory(service.pid());
                    if (round > 0) {
                        times.computeIfAbsent(artifact, a -> new ArrayList<>()).add(service.lastStartup());
                        memory.computeIfAbsent(artifact, a -> new ArrayList<>()).add(ready);
                    }
                }
            }
        }
        Map<PackagedArtifact, Startup> result = new EnumMap<>(PackagedArtifact.class);
        for (PackagedArtifact artifact : PackagedArtifact.values()) {
            List<Map<String, Long>> samples = memory.get(artifact);
            result.put(artifact, new Startup(times.get(artifact), median(samples, "VmRSS"), median(samples, "RssAnon"),
                    median(samples, "RssFile")));
        }
        return result;
    }

    /** POSTs of a delivery's size straight to the receiver: what the receiver and loopback allow on this machine. */
    private double receiverCeiling(TestReceiver receiver) throws Exception {
        int total = products * webhooks;
        String body = "{\"event\":\"product.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"id\":\""
                + UUID.randomUUID() + "\",\"sku\":\"SKU\",\"name\":\"name\",\"description\":null,\"active\":true}}";
        long started = System.nanoTime();
        runConcurrently(webhooks * PER_WEBHOOK_CONCURRENCY, total, i -> {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(receiver.url("/ceiling/" + (i % webhooks)))).header("Authorization", TestAuth.BEARER)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            require(answer.statusCode() == 200, "receiver answered " + answer.statusCode());
        });
        return total / ((System.nanoTime() - started) / 1e9);
    }

    private Delivery measureDeliveries(PackagedArtifact artifact, TestInfrastructure infra, TestReceiver receiver)
            throws Exception {
        try (ServiceProcess service = ServiceProcess.of(artifact, infra, Map.of()).start()) {
            String base = service.baseUrl();
            String run = artifact.name().toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID().toString().substring(0, 8);
            List<String> paths = new ArrayList<>();
            List<String> webhookIds = new ArrayList<>();
            for (int i = 0; i < webhooks; i++) {
                String path = "/bench/" + run + "/" + i;
                paths.add(path);
                webhookIds.add(createWebhook(base, receiver.url(path)));
            }
            long started = System.nanoTime();
            runConcurrently(concurrency, products, i -> {
                HttpResponse<String> answer = post(base + "/api/v1/products",
                        "{\"sku\":\"" + SKU_PREFIX + run + "-" + i + "\",\"name\":\"Benchmark product " + i + "\"}");
                require(answer.statusCode() == 201, "product write answered " + answer.statusCode() + ": " + answer.body());
            });
            int expected = products * webhooks;
            long deadline = System.nanoTime() + DELIVERY_DEADLINE.toNanos();
            int delivered;
            while ((delivered = delivered(receiver, paths)) < expected) {
                require(System.nanoTime() < deadline, artifact + ": only " + delivered + " of " + expected
                        + " deliveries within " + DELIVERY_DEADLINE.toMinutes() + " min; see " + service.log());
                Thread.sleep(100); // polling the receiver's tally, seldom enough to leave the CPU to the service
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            Map<String, Long> after = memory(service.pid());
            for (String id : webhookIds) {
                http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/webhooks/" + id)).header("Authorization", TestAuth.BEARER).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            return new Delivery(after.get("VmRSS"), after.get("VmHWM"), delivered, wall);
        }
    }

    private String createWebhook(String base, String url) throws Exception {
        HttpResponse<String> answer = post(base + "/api/v1/webhooks",
                "{\"url\":\"" + url + "\",\"events\":[\"product.created\"]}");
        require(answer.statusCode() == 201, "webhook create answered " + answer.statusCode() + ": " + answer.body());
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"").matcher(answer.body());
        require(id.find(), "no id in " + answer.body());
        return id.group(1);
    }

    private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestAuth.BEARER).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Distinct events per webhook path: a retried delivery counts once. */
    private static int delivered(TestReceiver receiver, List<String> paths) {
        int total = 0;
        for (String path : paths) {
            total += (int) receiver.requests(path).stream().map(r -> r.header("webhook-id")).distinct().count();
        }
        return total;
    }

    /** VmRSS, VmHWM, RssAnon and RssFile of a running process, in kB. */
    private static Map<String, Long> memory(long pid) {
        Map<String, Long> kb = new HashMap<>();
        for (String key : List.of("VmRSS", "VmHWM", "RssAnon", "RssFile")) {
            long value = ProcStatus.kb(Long.toString(pid), key);
            require(value >= 0, "no " + key + " in /proc/" + pid + "/status");
            kb.put(key, value);
        }
        return kb;
    }

    private static long median(List<Map<String, Long>> samples, String key) {
        List<Long> values = samples.stream().map(s -> s.get(key)).sorted().toList();
        return values.get(values.size() / 2);
    }

    private interface Task {
        void run(int index) throws Exception;
    }

    /** Runs {@code task} for indexes 0..total-1 on {@code threads} threads; rethrows the first failure. */
    private static void runConcurrently(int threads, int total, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private String report(Map<PackagedArtifact, Startup> startups, Map<PackagedArtifact, Delivery> deliveries,
                          double ceiling) {
        Startup jvmStart = startups.get(PackagedArtifact.JAR);
        Startup natStart = startups.get(PackagedArtifact.NATIVE);
        Delivery jvm = deliveries.get(PackagedArtifact.JAR);
        Delivery nat = deliveries.get(PackagedArtifact.NATIVE);
        StringBuilder out = new StringBuilder();
        out.append("## JVM fast-jar and native executable, ").append(LocalDate.now()).append("\n\n");
        out.append(String.format(Locale.ROOT, "Both at %s (native also %s, as deployed), on one PostgreSQL, Kafka "
                        + "broker and receiver; jar on Java %s. "
                        + "Starts: %d each, alternating, before any delivery; medians. Delivery run: %d webhooks x %d "
                        + "products (%d at a time) = %d deliveries, from the first write to the last delivery.%n%n",
                ServiceProcess.MAX_HEAP, PackagedArtifact.YOUNG_GENERATION, System.getProperty("java.version"), starts,
                webhooks, products, concurrency, products * webhooks));
        out.append("| figure | JVM jar | native | native / JVM | goal | met |\n");
        out.append("|---|---:|---:|---:|---|---|\n");
        row(out, "time to ready (s)", seconds(jvmStart.median()), seconds(natStart.median()), "<= 0.05", true);
        row(out, "RSS when ready (MB)", mb(jvmStart.rssKb()), mb(natStart.rssKb()), "<= 0.40", true);
        row(out, "  of which anonymous (heap, stacks, buffers)", mb(jvmStart.anonKb()), mb(natStart.anonKb()), "", true);
        row(out, "  of which file-backed (jars, JDK / executable)", mb(jvmStart.fileKb()), mb(natStart.fileKb()), "", true);
        row(out, "RSS after the deliveries (MB)", mb(jvm.rssAfterKb()), mb(nat.rssAfterKb()), "", true);
        row(out, "peak RSS, VmHWM (MB)", mb(jvm.hwmKb()), mb(nat.hwmKb()), "", true);
        row(out, "deliveries/s", jvm.perSecond(), nat.perSecond(), ">= 0.80", false);
        out.append(String.format(Locale.ROOT, "%nEvery start (s): JVM %s; native %s.%n", starts(jvmStart), starts(natStart)));
        out.append(String.format(Locale.ROOT, "Ceiling of the same run: the receiver took %.0f POSTs/s sent straight to it "
                        + "(%d at a time); deliveries reached %.2f (JVM) and %.2f (native) of that.%n", ceiling,
                webhooks * PER_WEBHOOK_CONCURRENCY, jvm.perSecond() / ceiling, nat.perSecond() / ceiling));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, double jvm, double nat, String goal, boolean atMost) {
        double ratio = nat / jvm;
        String met = "";
        if (!goal.isEmpty()) {
            double bound = Double.parseDouble(goal.replaceAll("[^0-9.]", ""));
            met = (atMost ? ratio <= bound : ratio >= bound) ? "yes" : "**no**";
        }
        out.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %s | %s |%n", name, jvm, nat, ratio, goal, met));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static double mb(long kb) {
        return kb / 1024.0;
    }

    private static String starts(Startup s) {
        return s.times().stream().map(d -> String.format(Locale.ROOT, "%.2f", seconds(d)))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }
}
