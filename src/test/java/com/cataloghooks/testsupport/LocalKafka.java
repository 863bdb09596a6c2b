package com.cataloghooks.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) running in a JVM of its own, with
 * both listeners on 127.0.0.1.
 *
 * <p>The broker jars are gathered by Maven from {@code src/test/kafka-broker/pom.xml} into
 * {@code target/kafka-broker/lib} on first use. Each instance owns a home directory holding
 * {@code server.properties}, {@code broker.log} (the broker's stdout and stderr) and {@code data/}. Instances are
 * created stopped:
 * <pre>{@code
 * LocalKafka kafka = LocalKafka.ephemeral().start();
 * kafka.kill();   // like a crash
 * kafka.start();  // same ports, same data
 * }</pre>
 * A JVM shutdown hook stops the broker, so no broker outlives the JVM that started it; a broker orphaned by a JVM
 * killed with SIGKILL is found (through its home directory's lock file) and stopped by the next run.
 */
public final class LocalKafka implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalKafka.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration JAR_DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final Path PROJECT_ROOT = projectRoot();
    private static final Path BROKER_LIB = PROJECT_ROOT.resolve("target/kafka-broker/lib");
    private static final Path EPHEMERAL_HOMES = PROJECT_ROOT.resolve("target/local-kafka");
    /**
     * Homes locked by this JVM. Checked before touching a lock file: closing any channel on a file drops every
     * lock this process holds on it (POSIX record-lock semantics), so we must not even open our own lock files.
     */
    private static final Set<Path> OWNED_HOMES = ConcurrentHashMap.newKeySet();

    private final int port;
    private final int controllerPort;
    private final Path home;
    private final boolean ephemeral;
    /** Held, never released, for as long as this instance lives: it marks the home as owned by a live JVM. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final FileLock homeLock;
    private volatile Process process;
    private boolean shutdownHookRegistered;

    private LocalKafka(int port, int controllerPort, Path home, boolean ephemeral) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.home = home.toAbsolutePath();
        this.ephemeral = ephemeral;
        this.homeLock = lockHome(this.home);
        stopOrphanedBroker(this.home);
    }

    /** A broker on two random free ports with a fresh home under {@code target/local-kafka/}; not started yet. */
    public static LocalKafka ephemeral() {
        reapStaleEphemeralHomes();
        int[] ports = freePorts(2);
        String id = UUID.randomUUID().toString().substring(0, 8);
        return new LocalKafka(ports[0], ports[1], EPHEMERAL_HOMES.resolve(id), true);
    }

    /**
     * A broker on fixed ports whose data in {@code home} survives restarts and runs (storage is formatted only
     * once); not started yet. Fails if another live JVM owns {@code home}.
     */
    public static LocalKafka persistent(int port, int controllerPort, Path home) {
        return new LocalKafka(port, controllerPort, home, false);
    }

    /**
     * Starts the broker unless it is running, and returns once it answers an admin request.
     *
     * @throws IllegalStateException with the tail of the broker log if it exits or is not ready within 60 s
     */
    public synchronized LocalKafka start() {
        if (isRunning()) {
            return this;
        }
        Path lib = ensureBrokerJars();
        try {
            Files.createDirectories(home);
            Path config = writeServerProperties();
            if (!Files.exists(dataDir().resolve("meta.properties"))) {
                formatStorage(lib, config);
            }
            requireFree(port);
            requireFree(controllerPort);
            registerShutdownHookOnce();
            process = new ProcessBuilder(javaExecutable(), "-Xmx384m", "-XX:+UseSerialGC",
                    "-cp", lib + "/*", "kafka.Kafka", config.toString())
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
            Files.writeString(home.resolve("broker.pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not launch the Kafka broker in " + home, e);
        }
        long launched = System.nanoTime();
        awaitReady();
        LOG.log(System.Logger.Level.INFO, String.format("Kafka broker %s ready %d ms after launch (pid %d, log %s)",
                bootstrapServers(), (System.nanoTime() - launched) / 1_000_000, process.pid(), logFile()));
        return this;
    }

    /** Graceful stop (SIGTERM, controlled shutdown); SIGKILL if the broker has not exited after 10 s. Keeps data. */
    public synchronized void stop() {
        long stopping = System.nanoTime();
        if (isRunning()) {
            terminate(process, true);
            LOG.log(System.Logger.Level.INFO, String.format("Kafka broker %s stopped in %d ms", bootstrapServers(),
                    (System.nanoTime() - stopping) / 1_000_000));
        }
    }

    /** Kills the broker at once, like a crash (SIGKILL). Keeps data; {@link #start()} recovers from it. */
    public synchronized void kill() {
        terminate(process, false);
    }

    /** Stops the broker and, for an ephemeral instance, deletes its data (the log stays for post-mortems). */
    @Override
    public synchronized void close() {
        stop();
        if (ephemeral) {
            deleteRecursively(dataDir());
        }
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** {@code 127.0.0.1:<port>}, for {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The broker's stdout and stderr, appended across restarts. */
    public Path logFile() {
        return home.resolve("broker.log");
    }

    @Override
    public String toString() {
        return "LocalKafka[" + bootstrapServers() + ", home " + home + "]";
    }

    // ---------------------------------------------------------------------------------------------- broker jars

    /**
     * Returns the directory of broker jars, running Maven to fill it if it is empty. Maven is the one running
     * this build ({@code maven.home}, passed by surefire/failsafe) or else the project's wrapper.
     */
    static synchronized Path ensureBrokerJars() {
        if (hasBrokerJars()) {
            return BROKER_LIB;
        }
        Path workDir = BROKER_LIB.getParent();
        Path mavenLog = workDir.resolve("maven.log");
        try {
            Files.createDirectories(workDir);
            // Another JVM (a parallel build, scripts/dev) may be copying at the same time: take turns.
            try (FileChannel channel = FileChannel.open(workDir.resolve("copy.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (hasBrokerJars()) {
                    return BROKER_LIB;
                }
                List<String> command = new ArrayList<>(mavenCommand());
                command.addAll(List.of("-B", "-q", "-f", brokerPom().toString(), "dependency:copy-dependencies"));
                Process maven = new ProcessBuilder(command)
                        .directory(PROJECT_ROOT.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(mavenLog.toFile())
                        .start();
                if (!maven.waitFor(JAR_DOWNLOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    maven.destroyForcibly().waitFor();
                    throw new IllegalStateException("Timed out fetching the Kafka broker jars: " + command
                            + tail(mavenLog));
                }
                if (maven.exitValue() != 0 || !hasBrokerJars()) {
                    throw new IllegalStateException("Could not fetch the Kafka broker jars (exit "
                            + maven.exitValue() + "): " + command + tail(mavenLog));
                }
                return BROKER_LIB;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not fetch the Kafka broker jars", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while fetching the Kafka broker jars", e);
        }
    }

    private static boolean hasBrokerJars() {
        try (Stream<Path> jars = Files.list(BROKER_LIB)) {
            return jars.anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> mavenCommand() {
        String mavenHome = System.getProperty("maven.home");
        if (mavenHome != null && Files.isExecutable(Path.of(mavenHome, "bin", "mvn"))) {
            return List.of(Path.of(mavenHome, "bin", "mvn").toString());
        }
        return List.of("sh", PROJECT_ROOT.resolve("mvnw").toString());
    }

    private static Path brokerPom() {
        String pom = System.getProperty("kafka.broker.pom");
        return pom != null ? Path.of(pom) : PROJECT_ROOT.resolve("src/test/kafka-broker/pom.xml");
    }

    /** The broker pom sits at {@code <root>/src/test/kafka-broker/pom.xml}; without it, the working directory. */
    private static Path projectRoot() {
        String pom = System.getProperty("kafka.broker.pom");
        if (pom != null) {
            return Path.of(pom).toAbsolutePath().getParent().getParent().getParent().getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    // ------------------------------------------------------------------------------------------- configuration

    private Path dataDir() {
        return home.resolve("data");
    }

    private Path writeServerProperties() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        // One process is both the broker and the (static, single-voter) KRaft controller.
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", dataDir().toString());
        // Internal topics default to replication factor 3, which one broker cannot satisfy.
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions: creating the default 50 makes the first consumer group join slow.
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.num.partitions", "1");
        // Consumers get their partitions at once instead of after the default 3 s rebalance delay.
        settings.put("group.initial.rebalance.delay.ms", "0");
        // After a kill the restarted broker is refused (DUPLICATE_BROKER_REGISTRATION) until its previous
        // registration's session expires: 9 s by default, 3 s here. Heartbeats stay within this same JVM.
        settings.put("broker.session.timeout.ms", "3000");
        settings.put("broker.heartbeat.interval.ms", "500");
        settings.put("num.partitions", "3"); // product-events gets several partitions, as in production
        settings.put("auto.create.topics.enable", "true");

        StringBuilder text = new StringBuilder("# Written by ").append(LocalKafka.class.getName()).append('\n');
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path file = home.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }

    /** KRaft storage must be formatted with a cluster id before the first start; with static voters no flags. */
    private void formatStorage(Path lib, Path config) throws IOException {
        Path log = home.resolve("format.log");
        Process format = new ProcessBuilder(javaExecutable(), "-cp", lib + "/*", "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!format.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly().waitFor();
                throw new IllegalStateException("Formatting Kafka storage timed out" + tail(log));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
        if (format.exitValue() != 0) {
            throw new IllegalStateException("Formatting Kafka storage failed (exit " + format.exitValue() + ")"
                    + tail(log));
        }
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    /** Polls until the port accepts connections and the broker describes its cluster, or fails with the log. */
    /**
     * Kafka loads its metrics reporters through the thread's context class loader; inside a Quarkus test that is
     * the application's loader, which has its own copy of kafka-clients. Use the loader Admin came from.
     */
    private Admin createAdmin() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try {
            return Admin.create(Map.of(
                            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                            AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-readiness",
                            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception lastProblem = null;
        Admin admin = null;
        try {
            while (true) {
                Process p = process;
                if (p == null || !p.isAlive()) {
                    throw new IllegalStateException("Kafka broker " + bootstrapServers() + " exited during start-up"
                            + (p == null ? "" : " with code " + p.exitValue()) + tail(logFile()), lastProblem);
                }
                // The admin client is created only once something listens, or it logs a warning per attempt.
                if (admin == null && portAcceptsConnections()) {
                    admin = createAdmin();
                }
                if (admin != null) {
                    try {
                        if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                                .nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (ExecutionException | TimeoutException e) {
                        lastProblem = e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    terminate(p, false);
                    throw new IllegalStateException("Kafka broker " + bootstrapServers() + " was not ready within "
                            + START_TIMEOUT.toSeconds() + " s" + tail(logFile()), lastProblem);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            terminate(process, false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        }
    }

    private boolean portAcceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Not synchronized: the shutdown hook must not wait for a start-up that holds the monitor. */
    private static void terminate(Process p, boolean graceful) {
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            if (graceful) {
                p.destroy();
                if (p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void registerShutdownHookOnce() {
        if (!shutdownHookRegistered) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                terminate(process, true);
                if (ephemeral) {
                    deleteRecursively(dataDir());
                }
            }, "local-kafka-shutdown-" + port));
            shutdownHookRegistered = true;
        }
    }

    // ------------------------------------------------------------------------------ ownership of home directories

    /**
     * Holds an OS file lock on {@code home/instance.lock} for the life of this JVM. Record locks are not inherited
     * by the broker process, so once the JVM is gone the lock is free even if its broker is still running.
     */
    private static FileLock lockHome(Path home) {
        if (!OWNED_HOMES.add(home)) {
            throw new IllegalStateException("Kafka home " + home + " is already used by this JVM");
        }
        try {
            Files.createDirectories(home);
            FileChannel channel = FileChannel.open(home.resolve("instance.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close();
                OWNED_HOMES.remove(home);
                throw new IllegalStateException("Kafka home " + home + " is in use by another process");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lock " + home, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM
        }
    }

    /** A broker whose JVM died without stopping it still runs on this home: stop it before reusing home. */
    private static void stopOrphanedBroker(Path home) {
        Path pidFile = home.resolve("broker.pid");
        String config = home.resolve("server.properties").toString();
        Optional<ProcessHandle> orphan = readString(pidFile)
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.trim())))
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("kafka.Kafka " + config)).orElse(false));
        orphan.ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
                p.onExit().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        });
    }

    /** Deletes the homes of ephemeral brokers whose JVM is gone, stopping any broker they left running. */
    private static void reapStaleEphemeralHomes() {
        List<Path> homes;
        try (Stream<Path> list = Files.list(EPHEMERAL_HOMES)) {
            homes = list.filter(Files::isDirectory).filter(home -> !OWNED_HOMES.contains(home)).toList();
        } catch (IOException e) {
            return; // nothing there yet
        }
        for (Path home : homes) {
            try (FileChannel channel = FileChannel.open(home.resolve("instance.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = tryLock(channel)) {
                if (lock != null) {
                    stopOrphanedBroker(home);
                    deleteRecursively(home);
                }
            } catch (IOException e) {
                // Best effort: a home we cannot inspect is left alone.
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void requireFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("Port 127.0.0.1:" + port + " is already in use; cannot start Kafka", e);
        }
    }

    /** Opens all sockets before closing any, so the ports are distinct. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("No free ports", e);
        } finally {
            sockets.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that we just opened
                }
            });
        }
    }

    private static Optional<String> readString(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last 40 lines of a log, formatted for an exception message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return " (no log at " + log + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: target/ is cleaned by the build anyway.
        }
    }
}
