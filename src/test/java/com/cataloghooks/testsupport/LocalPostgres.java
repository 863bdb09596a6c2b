package com.cataloghooks.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (zonky's embedded binaries, PostgreSQL 14) listening on 127.0.0.1 only, with a
 * database {@value #DATABASE} owned by the login role {@value #USERNAME}.
 *
 * <p>Three flavours:
 * <ul>
 *   <li>{@link #startEphemeral()} for tests: random free port, fresh data directory under
 *       {@code target/embedded-pg/}, deleted again by {@link #stop()};</li>
 *   <li>{@link #startRestartable()} for fault-injection tests: like ephemeral, but {@link #stop()} keeps the data
 *       so that {@link #start()} brings the same server back on the same port; {@link #close()} deletes it;</li>
 *   <li>{@link #startPersistent(int, Path)} for local development: fixed port, data directory kept and reused
 *       across runs.</li>
 * </ul>
 * Everything PostgreSQL writes (binaries, data, Unix socket, log) stays under {@code target/}, never in
 * {@code /tmp}. The server runs as a separate process (pg_ctl daemonises it); a shutdown hook stops it with the JVM
 * (zonky's, or for a restartable server our own, which also deletes its data), and {@link #stop()} and
 * {@link #close()} may be called any number of times.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "catalog";
    public static final String USERNAME = "catalog";
    public static final String PASSWORD = "catalog";

    /** Binaries, ephemeral data directories and logs. zonky reaps stale data directories found here. */
    private static final Path WORKING_DIR = Path.of("target", "embedded-pg").toAbsolutePath();
    /** Unix socket paths are limited to 107 bytes; beyond that we run TCP-only. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** What happens to the data directory when the server stops. */
    private enum Kind {
        /** deleted by every stop: the server cannot be started again */
        EPHEMERAL,
        /** kept across {@link #stop()}/{@link #start()}, deleted by {@link #close()} */
        RESTARTABLE,
        /** always kept */
        PERSISTENT
    }

    private final int port;
    private final Path dataDir;
    private final Kind kind;
    private final Path logFile;
    /** The running server; null while stopped. */
    private volatile EmbeddedPostgres postgres;
    private boolean startedBefore;

    private LocalPostgres(int port, Path dataDir, Kind kind) {
        this.port = port;
        this.dataDir = dataDir;
        this.kind = kind;
        this.logFile = WORKING_DIR.resolve("logs").resolve("postgres-" + port + ".log");
        if (kind == Kind.RESTARTABLE) {
            // Instead of zonky's hook (one per start, racing this one): stop the server, then delete its data.
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "local-postgres-" + port + "-stop"));
        }
    }

    /** Starts a throw-away server on a random free port; its data directory is deleted by {@link #stop()}. */
    public static LocalPostgres startEphemeral() {
        // A direct child of WORKING_DIR, so that zonky's start-up sweep stops and deletes it should this JVM be
        // killed before it could clean up (zonky only touches directories whose lock is older than 10 minutes).
        return new LocalPostgres(freePort(), WORKING_DIR.resolve(UUID.randomUUID().toString()), Kind.EPHEMERAL)
                .start();
    }

    /**
     * Starts a throw-away server on a random free port that can be stopped and started again, on the same port
     * with the same data, to simulate a database restart; {@link #close()} stops it and deletes its data.
     */
    public static LocalPostgres startRestartable() {
        // A direct child of WORKING_DIR for the same reason as an ephemeral one; start() refreshes the lock file so
        // that the sweep never takes a merely stopped server for an abandoned one.
        return new LocalPostgres(freePort(), WORKING_DIR.resolve(UUID.randomUUID().toString()), Kind.RESTARTABLE)
                .start();
    }

    /**
     * Starts a server on {@code port} whose data lives in {@code dataDir}: initialised on first use, reused
     * afterwards. A server left running on that directory by a killed JVM is stopped first.
     */
    public static LocalPostgres startPersistent(int port, Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        stopOrphanedPostmaster(dir);
        return new LocalPostgres(port, dir, Kind.PERSISTENT).start();
    }

    /**
     * Starts the server unless it is running: initialises the data directory on first use, otherwise reuses it
     * on the same port. An ephemeral server cannot be started again once stopped (its data is gone).
     */
    public synchronized LocalPostgres start() {
        if (postgres != null) {
            return this;
        }
        if (kind == Kind.EPHEMERAL && startedBefore) {
            throw new IllegalStateException("an ephemeral PostgreSQL cannot be restarted (its data is gone): " + this);
        }
        boolean initialised = Files.exists(dataDir.resolve("postgresql.conf"));
        try {
            Files.createDirectories(WORKING_DIR.resolve("logs"));
            if (initialised) {
                // zonky's sweep (run by every new server) deletes unlocked data directories whose lock file is
                // older than 10 minutes: a stopped server's lock is released, so mark it as fresh.
                touch(dataDir.resolve("epg-lock"));
            }
            // zonky reads this when a Builder is created: it is where the binaries are unpacked and where stale
            // data directories are looked for. The default is java.io.tmpdir.
            System.setProperty("ot.epg.working-dir", WORKING_DIR.toString());
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(kind == Kind.EPHEMERAL)
                    .setRegisterShutdownHook(kind != Kind.RESTARTABLE)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", socketDirectory(port))
                    .setPGStartupWait(STARTUP_TIMEOUT)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            postgres = server;
            startedBefore = true;
            createDatabaseIfMissing();
            return this;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("PostgreSQL did not start on port " + port + " with data in " + dataDir
                    + "; see " + WORKING_DIR.resolve("logs"), e);
        }
    }

    /** JDBC URL of the {@value #DATABASE} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return postgres != null;
    }

    /** The file pg_ctl, initdb and the server write their output to. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the server (fast shutdown: open sessions are terminated) and, for an ephemeral server, deletes its
     * data. Idempotent.
     */
    public synchronized void stop() {
        EmbeddedPostgres running = postgres;
        if (running == null) {
            return;
        }
        postgres = null;
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and deletes its data unless it is persistent. Idempotent. */
    @Override
    public synchronized void close() {
        stop();
        if (kind == Kind.RESTARTABLE) {
            deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + jdbcUrl() + "]";
    }

    /**
     * initdb created the superuser {@code postgres} with trust authentication; the application gets a role and a
     * database of its own, as in production. The password is set for realism, trust does not check it.
     */
    private void createDatabaseIfMissing() {
        String url = "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
             Statement s = c.createStatement()) {
            if (!exists(c, "select 1 from pg_roles where rolname = ?", USERNAME)) {
                s.execute("create role " + USERNAME + " login password '" + PASSWORD + "'");
            }
            if (!exists(c, "select 1 from pg_database where datname = ?", DATABASE)) {
                s.execute("create database " + DATABASE + " owner " + USERNAME);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + DATABASE + " at " + url, e);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** One shared directory is enough: the socket file name contains the port. */
    private static String socketDirectory(int port) throws IOException {
        Path dir = WORKING_DIR.resolve("sockets");
        if ((dir + "/.s.PGSQL." + port).getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            return ""; // no Unix socket at all; every client here connects over TCP
        }
        Files.createDirectories(dir);
        return dir.toString();
    }

    /**
     * pg_ctl daemonises the postmaster, so a JVM killed with SIGKILL leaves it running on the data directory.
     * Stop such a leftover (smart shutdown, then SIGKILL) so the directory and port can be used again.
     */
    private static void stopOrphanedPostmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<ProcessHandle> postmaster = readFirstLine(pidFile)
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.trim())))
                .filter(p -> p.info().command().map(cmd -> cmd.endsWith("/postgres")).orElse(false));
        postmaster.ifPresent(p -> {
            p.destroy();
            if (!awaitExit(p, Duration.ofSeconds(10))) {
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(10));
            }
        });
    }

    private static void touch(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort (already gone, or changing under us): zonky's sweep or `mvn clean` removes what is left.
        }
    }

    private static Optional<String> readFirstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}
