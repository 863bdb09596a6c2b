package com.cataloghooks.bench;

import com.cataloghooks.console.products.ProductPages;
import com.cataloghooks.testsupport.TestAuth;
import static com.cataloghooks.bench.Units.fmt;
import static com.cataloghooks.bench.Units.mb;
import static com.cataloghooks.bench.Units.ms;

import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks the product CSV import against a running service: PostgreSQL COPY of the same file as the yardstick,
 * a first import (all rows created), a second one (all updated), the latency of a single-product GET while they run,
 * the service's memory, offset vs keyset paging at depth in the API, and the console's product table walked page by
 * page from the first product to the last. A plain program, not a test: {@code scripts/bench-import}
 * starts everything and runs it. Options are {@code --name=value} arguments or environment variables:
 * <pre>
 *   --base-url      BENCH_BASE_URL      http://127.0.0.1:18080
 *   --jdbc-url      BENCH_JDBC_URL      (else QUARKUS_DATASOURCE_JDBC_URL)
 *   --db-user       BENCH_DB_USER       (else QUARKUS_DATASOURCE_USERNAME)
 *   --db-password   BENCH_DB_PASSWORD   (else QUARKUS_DATASOURCE_PASSWORD)
 *   --service-pid   BENCH_SERVICE_PID   (no memory figures without it)
 *   --rows          ROWS                500000
 *   --work-dir      BENCH_WORK_DIR      target/bench
 * </pre>
 * It deletes every product whose SKU starts with BENCH- first. Exits 1 when anything fails (an import not completed,
 * wrong counts, an unexpected HTTP status); missing the speed goal is reported, not a failure.
 */
public final class ImportBenchmark {

    private static final Set<String> FINAL_STATES = Set.of("completed", "failed", "cancelled");
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(30);
    private static final double GOAL = 2.0; // import wall time / COPY time
    private static final int PAGE = 100;
    private static final int DEEP_PAGE = 400_000 / PAGE + 1; // page n holds positions (n-1)*100.., so 4001 starts at 400,000
    private static final int CONSOLE_PAGE = ProductPages.PAGE_SIZE;
    private static final int CONSOLE_DEEP_POSITION = 400_000;
    private static final int CONSOLE_ROUNDS = 21;
    private static final String[] WORDS = {"steel", "oak", "amber", "linen", "cobalt", "maple", "quartz", "velvet"};

    private final String base;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final String pid;
    private final int rows;
    private final Path workDir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final StringBuilder summary = new StringBuilder();

    /** What the probe thread and the RSS sampler saw while some work ran. */
    private record Observed<T>(T result, List<Long> probeNanos, long probeErrors, long maxRssKb) {
    }

    /** One import as the client saw it; {@code task} is the final status JSON. */
    private record ImportRun(long wallNanos, long uploadNanos, String task) {
    }

    private ImportBenchmark(String[] args) {
        base = option(args, "base-url", "BENCH_BASE_URL", null, "http://127.0.0.1:18080").replaceAll("/+$", "");
        jdbcUrl = option(args, "jdbc-url", "BENCH_JDBC_URL", "QUARKUS_DATASOURCE_JDBC_URL", null);
        dbUser = option(args, "db-user", "BENCH_DB_USER", "QUARKUS_DATASOURCE_USERNAME", null);
        dbPassword = option(args, "db-password", "BENCH_DB_PASSWORD", "QUARKUS_DATASOURCE_PASSWORD", null);
        pid = option(args, "service-pid", "BENCH_SERVICE_PID", null, "");
        rows = Integer.parseInt(option(args, "rows", "ROWS", null, "500000"));
        workDir = Path.of(option(args, "work-dir", "BENCH_WORK_DIR", null, "target/bench"));
    }

    public static void main(String[] args) {
        try {
            new ImportBenchmark(args).run();
        } catch (Exception e) {
            System.err.println("\nBENCHMARK FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String loadBefore = loadAverage();
        Path csv = generateCsv("bench.csv", "");
        Path changed = generateCsv("bench-changed.csv", " v2");
        long copyNanos = copyBenchmark(csv);
        long indexedCopyNanos = indexedCopyBenchmark(csv);
        deleteBenchProducts();
        String probeUrl = base + "/api/v1/products/" + createProbeProduct();
        long rssBeforeKb = procStatusKb("VmRSS");

        // Baseline: the same probe with nothing else going on, to compare the probes during the imports with. The
        // first 3 s are thrown away: a freshly started service is still compiling the GET path.
        Callable<Void> idling = () -> {
            Thread.sleep(3000);
            return null;
        };
        observe(probeUrl, idling);
        Observed<Void> idle = observe(probeUrl, idling);
        Observed<ImportRun> first = observe(probeUrl, () -> runImport(csv));
        expectCounts("import 1", first.result().task(), rows, 0);
        Observed<ImportRun> second = observe(probeUrl, () -> runImport(csv));
        expectCounts("import 2", second.result().task(), 0, rows);
        Observed<ImportRun> third = observe(probeUrl, () -> runImport(changed));
        expectCounts("import 3", third.result().task(), 0, rows);
        long hwmKb = procStatusKb("VmHWM");

        summary.append(fmt("## Import benchmark: %,d rows, %.1f MB CSV, %s%n%nHost: %d CPUs, load average %s at the"
                        + " start, %s after the imports (other work on the host skews every figure).%n",
                rows, Files.size(csv) / 1e6, Instant.now(), Runtime.getRuntime().availableProcessors(),
                loadBefore, loadAverage()));
        reportImports(copyNanos, indexedCopyNanos, first.result(), second.result(), third.result());
        reportProbes(idle, first, second, third);
        summary.append(fmt("%n### Service memory%n%nRSS before the imports %s; max RSS sampled during import 1 %s,"
                        + " during import 2 %s, during import 3 %s; peak RSS (VmHWM) since the service started %s.%n",
                mb(rssBeforeKb), mb(first.maxRssKb()), mb(second.maxRssKb()), mb(third.maxRssKb()), mb(hwmKb)));
        reportPaging();
        System.out.println("\n===== SUMMARY =====\n\n" + summary);
    }

    // ---- the CSV file and the COPY yardstick -------------------------------------------------------------------

    /**
     * Same seed every run, so runs compare; every 4th description is quoted and holds commas. {@code nameSuffix}
     * makes a file that changes every product's name (the same SKUs otherwise).
     */
    private Path generateCsv(String fileName, String nameSuffix) throws IOException {
        Files.createDirectories(workDir);
        Path file = workDir.resolve(fileName);
        Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("sku,name,description,active\n");
            for (int i = 1; i <= rows; i++) {
                String w1 = WORDS[random.nextInt(WORDS.length)], w2 = WORDS[random.nextInt(WORDS.length)];
                String description = i % 4 == 0
                        ? "\"Sturdy, light and cheap: " + w1 + " model " + i + ", fits every " + w2 + " shelf\""
                        : "A " + w1 + " and " + w2 + " item for daily use from range " + i + " - bench";
                out.write(fmt("BENCH-%07d,Bench %s %s item %d%s,%s,%b%n",
                        i, w1, w2, i, nameSuffix, description, random.nextInt(10) != 0));
            }
        }
        log("generated %s: %,d rows, %.1f MB", file, rows, Files.size(file) / 1e6);
        return file;
    }

    /** COPY into an index-free table, twice, keeping the faster run: the floor for loading this file at all. */
    private long copyBenchmark(Path csv) throws SQLException, IOException {
        try (Connection conn = connect(); Statement st = conn.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_copy");
            st.execute("CREATE TABLE bench_copy (sku text, name text, description text, active text)");
            try {
                long best = Long.MAX_VALUE;
                for (int run = 1; run <= 2; run++) {
                    st.execute("TRUNCATE bench_copy");
                    long t0 = System.nanoTime();
                    long copied;
                    try (InputStream in = Files.newInputStream(csv)) {
                        copied = new CopyManager(conn.unwrap(BaseConnection.class))
                                .copyIn("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)", in);
                    }
                    long nanos = System.nanoTime() - t0;
                    check(copied == rows, "COPY loaded " + copied + " rows, expected " + rows);
                    log("COPY run %d: %s", run, ms(nanos));
                    best = Math.min(best, nanos);
                }
                return best;
            } finally {
                st.execute("DROP TABLE IF EXISTS bench_copy");
            }
        }
    }

    /**
     * COPY into a scratch table shaped like {@code products}, with its indexes (the primary key, the unique
     * lower(sku), the listing index) and defaults for id and times: what the database itself needs to write
     * these rows where an import writes them, without any upsert.
     */
    private long indexedCopyBenchmark(Path csv) throws SQLException, IOException {
        try (Connection conn = connect(); Statement st = conn.createStatement()) {
            st.execute("DROP TABLE IF EXISTS bench_copy_indexed");
            st.execute("CREATE TABLE bench_copy_indexed (LIKE products INCLUDING ALL)");
            st.execute("ALTER TABLE bench_copy_indexed ALTER id SET DEFAULT gen_random_uuid(),"
                    + " ALTER created_at SET DEFAULT now(), ALTER updated_at SET DEFAULT now()");
            try (InputStream in = Files.newInputStream(csv)) {
                long t0 = System.nanoTime();
                long copied = new CopyManager(conn.unwrap(BaseConnection.class)).copyIn(
                        "COPY bench_copy_indexed (sku, name, description, active) FROM STDIN WITH (FORMAT csv, HEADER true)", in);
                long nanos = System.nanoTime() - t0;
                check(copied == rows, "COPY loaded " + copied + " rows, expected " + rows);
                log("COPY into a products-shaped table with its indexes: %s", ms(nanos));
                return nanos;
            } finally {
                st.execute("DROP TABLE IF EXISTS bench_copy_indexed");
            }
        }
    }

    /** Removes earlier runs' rows so that the first import creates all of them; VACUUM so dead rows do not skew it. */
    private void deleteBenchProducts() throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement()) {
            int deleted = st.executeUpdate("DELETE FROM products WHERE sku LIKE 'BENCH-%'");
            st.execute("VACUUM ANALYZE products");
            log("deleted %,d products left by earlier runs, vacuumed", deleted);
        }
    }

    private String createProbeProduct() throws Exception {
        String body = "{\"sku\":\"BENCH-PROBE-" + UUID.randomUUID() + "\",\"name\":\"probe\"}";
        return field(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/products")).header("Authorization", TestAuth.BEARER)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), 201), "id");
    }

    // ---- the imports -------------------------------------------------------------------------------------------

    /** Wall time runs from just before the upload until a poll sees the final status. */
    private ImportRun runImport(Path csv) throws Exception {
        long t0 = System.nanoTime();
        String accepted = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/products/imports?filename=bench.csv")).header("Authorization", TestAuth.BEARER)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofFile(csv)), 202);
        long uploadNanos = System.nanoTime() - t0;
        String statusUrl = base + field(accepted, "status_url");
        while (true) {
            String task = get(statusUrl);
            if (FINAL_STATES.contains(field(task, "status"))) {
                long wall = System.nanoTime() - t0;
                log("import ended after %s: %s", ms(wall), task.replaceAll("\"error_samples\":\\[.*?]", "…"));
                return new ImportRun(wall, uploadNanos, task);
            }
            check(System.nanoTime() - t0 < IMPORT_TIMEOUT.toNanos(), "import still running after " + IMPORT_TIMEOUT);
            Thread.sleep(100);
        }
    }

    private void expectCounts(String which, String task, long created, long updated) {
        check("completed".equals(field(task, "status")), which + " did not complete: " + task);
        check(Long.parseLong(field(task, "created")) == created && Long.parseLong(field(task, "updated")) == updated
                        && "0".equals(field(task, "errors")),
                which + ": expected created=" + created + " updated=" + updated + " errors=0, got " + task);
    }

    /**
     * Runs {@code work} while one thread GETs {@code probeUrl} back to back (one request at a time, as a single
     * interactive client would) and the service's RSS is sampled every 100 ms.
     */
    private <T> Observed<T> observe(String probeUrl, Callable<T> work) throws Exception {
        List<Long> latencies = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong maxRss = new AtomicLong(-1);
        AtomicBoolean stop = new AtomicBoolean();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(probeUrl)).header("Authorization", TestAuth.BEARER).GET().build();
        Thread prober = new Thread(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    int code = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                    latencies.add(System.nanoTime() - t0);
                    if (code != 200) {
                        errors.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }
        }, "probe");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> maxRss.accumulateAndGet(procStatusKb("VmRSS"), Math::max),
                0, 100, TimeUnit.MILLISECONDS);
        prober.start();
        T result;
        try {
            result = work.call();
        } finally {
            stop.set(true);
            prober.join(); // also makes the prober's list safely visible here
            sampler.shutdownNow();
        }
        return new Observed<>(result, latencies, errors.get(), maxRss.get());
    }

    /** A kB figure of the service's, or -1 without a PID (or once it has exited: the imports fail loudly then). */
    private long procStatusKb(String key) {
        return ProcStatus.kb(pid, key);
    }

    // ---- paging ------------------------------------------------------------------------------------------------

    private void reportPaging() throws Exception {
        String list = base + "/api/v1/products?limit=" + PAGE;
        long total = Long.parseLong(field(get(list), "total"));
        int pages = DEEP_PAGE + 3; // up to page 4004
        if (total <= (long) pages * PAGE) {
            summary.append(fmt("%n### Paging: skipped, the catalog has %,d products and needs more than %,d%n",
                    total, pages * PAGE));
            return;
        }
        long firstOffset = medianOf5(list);
        long deepOffset = medianOf5(list + "&offset=" + (DEEP_PAGE - 1) * PAGE);
        get(list); // warm-up, as for the offset figures
        long walk0 = System.nanoTime();
        List<Long> keyset = keysetWalk(list, pages);
        long walk = System.nanoTime() - walk0;
        long firstKeyset = percentile(keyset.subList(0, 10), 50);
        long deepKeyset = percentile(keyset.subList(DEEP_PAGE - 7, DEEP_PAGE + 3), 50); // pages 3995..4004

        summary.append(fmt("%n### Paging (limit=%d, newest first)%n%n", PAGE))
                .append("| Request | First page | Around position 400,000 | Ratio |\n|---|---:|---:|---:|\n")
                .append(fmt("| offset (median of 5) | %s | %s (offset=%d) | %.1fx |%n",
                        ms(firstOffset), ms(deepOffset), (DEEP_PAGE - 1) * PAGE, (double) deepOffset / firstOffset))
                .append(fmt("| keyset `after` (median of 10 pages) | %s (pages 1-10) | %s (pages %d-%d) | %.1fx |%n",
                        ms(firstKeyset), ms(deepKeyset), DEEP_PAGE - 6, pages, (double) deepKeyset / firstKeyset))
                .append(fmt("%nKeyset walk: %,d pages in %s (p50 %s, max %s per page).%n",
                        keyset.size(), ms(walk), ms(percentile(keyset, 50)), ms(percentile(keyset, 100))));
        reportConsolePaging(total);
    }

    /**
     * The console's product table walked as a person pages through it: signed in with the key, each page fetched by
     * its "Next page" link, from the first page to the last. Then the first page, the page at position 400,000 and
     * the last page are fetched again in turns, warm, so their times compare: a deep page must cost what the first
     * one does.
     */
    private void reportConsolePaging(long total) throws Exception {
        String cookie = consoleSignIn();
        Pattern next = Pattern.compile("id=\"next-page\" rel=\"next\" href=\"([^\"]+)\"");
        int deep = CONSOLE_DEEP_POSITION / CONSOLE_PAGE + 1; // the page that starts at that position
        List<Long> nanos = new ArrayList<>();
        long rowsSeen = 0;
        String path = "/products";
        String deepPath = null;
        String lastPath = null;
        long walk0 = System.nanoTime();
        while (path != null) {
            if (nanos.size() + 1 == deep) {
                deepPath = path;
            }
            lastPath = path;
            long t0 = System.nanoTime();
            String html = consolePage(path, cookie);
            nanos.add(System.nanoTime() - t0);
            int items = html.split("<td><a href=\"/products/", -1).length - 1;
            rowsSeen += items;
            Matcher link = next.matcher(html);
            path = link.find() ? link.group(1).replace("&amp;", "&") : null;
            check(items == CONSOLE_PAGE || path == null, "console page " + nanos.size() + " has " + items + " rows");
            if (nanos.size() % 2000 == 0) {
                log("console walk: page %,d, p50 of the last 2000 pages %s",
                        nanos.size(), ms(percentile(nanos.subList(nanos.size() - 2000, nanos.size()), 50)));
            }
        }
        long walk = System.nanoTime() - walk0;
        check(rowsSeen == total, "the console walk saw " + rowsSeen + " rows of " + total);
        check(deepPath != null, "the walk never reached page " + deep);

        String[] paths = {"/products", deepPath, lastPath};
        List<List<Long>> again = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < CONSOLE_ROUNDS; round++) {
            for (int i = 0; i < paths.length; i++) {
                long t0 = System.nanoTime();
                consolePage(paths[i], cookie);
                again.get(i).add(System.nanoTime() - t0);
            }
        }
        long first = percentile(again.get(0), 50);
        long around = percentile(again.get(1), 50);
        long last = percentile(again.get(2), 50);
        int pages = nanos.size();
        summary.append(fmt("%n### Console product table (`/products`, %d rows a page, newest first, signed in)%n%n",
                        CONSOLE_PAGE))
                .append(fmt("| Page | Median of %d, fetched in turns after the walk | vs the first page |%n",
                        CONSOLE_ROUNDS))
                .append("|---|---:|---:|\n")
                .append(fmt("| 1 | %s | 1.00 |%n", ms(first)))
                .append(fmt("| %,d (position %,d) | %s | %.2f |%n", deep, CONSOLE_DEEP_POSITION, ms(around),
                        (double) around / first))
                .append(fmt("| %,d (the last) | %s | %.2f |%n", pages, ms(last), (double) last / first))
                .append(fmt("%nConsole walk: all %,d products in %,d pages by their \"Next page\" link, %s"
                                + " (p50 %s, p99 %s, max %s per page; pages 1-10 p50 %s, cold).%n", rowsSeen, pages,
                        ms(walk), ms(percentile(nanos, 50)), ms(percentile(nanos, 99)), ms(percentile(nanos, 100)),
                        ms(percentile(nanos.subList(0, 10), 50))));
    }

    private String consolePage(String path, String cookie) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", cookie).GET(), 200);
    }

    /** Signs in to the console with the key, as the sign-in form does; the session cookie to send back. */
    private String consoleSignIn() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("credential="
                        + URLEncoder.encode(TestAuth.DEV_KEY, StandardCharsets.UTF_8) + "&next=%2Fproducts"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String cookie = response.headers().firstValue("Set-Cookie").orElse("");
        check(response.statusCode() == 303 && cookie.contains("catalog_session="),
                "console sign-in answered " + response.statusCode() + " " + cookie);
        return cookie.substring(0, cookie.indexOf(';')); // name=value; the client sends it back as is
    }

    /** Follows next_cursor from the first page for {@code pages} pages; the time of each page, in order. */
    private List<Long> keysetWalk(String list, int pages) throws Exception {
        List<Long> nanos = new ArrayList<>();
        String cursor = null;
        for (int page = 1; page <= pages; page++) {
            String url = cursor == null ? list : list + "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            String body = get(url);
            nanos.add(System.nanoTime() - t0);
            cursor = field(body, "next_cursor");
            int items = body.split("\"sku\":", -1).length - 1;
            check(items == PAGE && cursor != null, "keyset page " + page + " has " + items + " items, cursor " + cursor);
            if (page % 1000 == 0) {
                log("keyset walk: page %,d, p50 of the last 1000 pages %s",
                        page, ms(percentile(nanos.subList(page - 1000, page), 50)));
            }
        }
        return nanos;
    }

    private long medianOf5(String url) throws Exception {
        get(url); // warm-up
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            get(url);
            times.add(System.nanoTime() - t0);
        }
        return percentile(times, 50);
    }

    // ---- the summary -------------------------------------------------------------------------------------------

    private void reportImports(long copyNanos, long indexedCopyNanos, ImportRun... imports) {
        summary.append(fmt("%n| Phase | Wall | Rows/s | vs COPY (goal <= %.1f) | Upload | Queued | Processing |%n", GOAL))
                .append("|---|---:|---:|---:|---:|---:|---:|\n")
                .append(fmt("| PostgreSQL COPY into a plain table (best of 2) | %s | %,.0f | 1.00 | | | |%n",
                        ms(copyNanos), rows / (copyNanos / 1e9)))
                .append(fmt("| (reference) COPY into a products-shaped table with its 3 indexes | %s | %,.0f | %.2f | | | |%n",
                        ms(indexedCopyNanos), rows / (indexedCopyNanos / 1e9), (double) indexedCopyNanos / copyNanos));
        String[] names = {"Import 1 (all created)", "Import 2 (same file again: all updated, none changed)",
                "Import 3 (all updated, every name changed)"};
        for (int i = 0; i < imports.length; i++) {
            ImportRun run = imports[i];
            double ratio = (double) run.wallNanos() / copyNanos;
            summary.append(fmt("| %s | %s | %,.0f | %.2f %s | %s | %s | %s |%n", names[i], ms(run.wallNanos()),
                    rows / (run.wallNanos() / 1e9), ratio, ratio <= GOAL ? "ok" : "MISSED", ms(run.uploadNanos()),
                    between(run.task(), "created_at", "started_at"), between(run.task(), "started_at", "finished_at")));
        }
        summary.append("\nWall: POST until a poll (every 100 ms) sees the end. Upload: POST until 202."
                + " Queued, Processing: the task's created_at -> started_at -> finished_at.\n");
    }

    private void reportProbes(Observed<?>... phases) {
        String[] names = {"idle baseline (3 s)", "during import 1", "during import 2", "during import 3"};
        summary.append("\n### GET /api/v1/products/{id}, one client back to back\n\n")
                .append("| When | Requests | p50 | p95 | p99 | max | Errors |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < phases.length; i++) {
            List<Long> l = phases[i].probeNanos();
            summary.append(fmt("| %s | %,d | %s | %s | %s | %s | %d |%n", names[i], l.size(), ms(percentile(l, 50)),
                    ms(percentile(l, 95)), ms(percentile(l, 99)), ms(percentile(l, 100)), phases[i].probeErrors()));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private String get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", TestAuth.BEARER).GET(), 200);
    }

    /** Sends the request and returns the body, failing on any status but {@code expected}. */
    private String send(HttpRequest.Builder request, int expected) throws Exception {
        HttpRequest built = request.timeout(Duration.ofMinutes(5)).build();
        HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
        check(response.statusCode() == expected, built.method() + " " + built.uri() + " answered "
                + response.statusCode() + " (expected " + expected + "): " + response.body());
        return response.body();
    }

    private Connection connect() throws SQLException {
        check(jdbcUrl != null, "no JDBC URL: set BENCH_JDBC_URL or QUARKUS_DATASOURCE_JDBC_URL, or pass --jdbc-url=");
        Connection conn = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
        conn.setAutoCommit(true); // VACUUM cannot run inside a transaction
        return conn;
    }

    /** The first scalar named {@code key}; enough for these flat answers without a JSON library. */
    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,}\\]\\s]+))")
                .matcher(json);
        if (!m.find()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : "null".equals(m.group(2)) ? null : m.group(2);
    }

    private static String between(String task, String fromKey, String toKey) {
        try {
            return ms(Duration.between(Instant.parse(field(task, fromKey)), Instant.parse(field(task, toKey))).toNanos());
        } catch (RuntimeException e) {
            return "n/a";
        }
    }

    /** Nearest-rank percentile; p=100 is the maximum. */
    private static long percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" "); // 1, 5 and 15 minutes first
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + fmt(format, args));
    }

    /** {@code --name=value} first, then the environment variable, then its fallback variable, then the default. */
    private static String option(String[] args, String name, String env, String fallbackEnv, String defaultValue) {
        for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
                return arg.substring(name.length() + 3);
            }
        }
        String value = System.getenv(env);
        if ((value == null || value.isEmpty()) && fallbackEnv != null) {
            value = System.getenv(fallbackEnv);
        }
        return value == null || value.isEmpty() ? defaultValue : value;
    }
}
