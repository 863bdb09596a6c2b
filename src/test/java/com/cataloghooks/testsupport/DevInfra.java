package com.cataloghooks.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PostgreSQL and Kafka for {@code quarkus:dev}, launched in the background by {@code scripts/dev}.
 *
 * <p>Fixed ports ({@code DEV_PG_PORT}, default 55432; {@code DEV_KAFKA_PORT}, default 59092, its controller on the
 * next port) and data kept in {@code target/dev-infra/} across runs. Once both answer, it writes
 * {@code target/dev-infra/env} (KEY=VALUE lines for Quarkus) and runs until killed; SIGTERM stops both servers.
 */
public final class DevInfra {

    private static final Path HOME = Path.of("target", "dev-infra").toAbsolutePath();
    private static final Path ENV_FILE = HOME.resolve("env");

    private DevInfra() {
    }

    public static void main(String[] args) throws Exception {
        int pgPort = portFromEnv("DEV_PG_PORT", 55432);
        int kafkaPort = portFromEnv("DEV_KAFKA_PORT", 59092);
        Files.createDirectories(HOME);
        Files.deleteIfExists(ENV_FILE); // scripts/dev takes the env file as the sign that both servers are up

        AtomicReference<LocalPostgres> postgres = new AtomicReference<>();
        AtomicReference<LocalKafka> kafka = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            deleteQuietly(ENV_FILE);
            if (kafka.get() != null) {
                kafka.get().close();
            }
            if (postgres.get() != null) {
                postgres.get().stop();
            }
            System.out.println("dev-infra: stopped");
        }, "dev-infra-stop"));

        // Initialise logging here, before two threads log for the first time at once: JUL's and JBoss
        // LogManager's initialisations deadlock when raced (both are on the test class path).
        System.getLogger(DevInfra.class.getName());
        System.out.printf("dev-infra: starting PostgreSQL on 127.0.0.1:%d and Kafka on 127.0.0.1:%d (pid %d)%n",
                pgPort, kafkaPort, ProcessHandle.current().pid());
        long started = System.nanoTime();
        // In parallel, each on a thread of its own (the common pool has a single thread on two cores).
        ExecutorService starter = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> postgres.set(
                            LocalPostgres.startPersistent(pgPort, HOME.resolve("pg"))), starter),
                    CompletableFuture.runAsync(() -> kafka.set(
                            LocalKafka.persistent(kafkaPort, kafkaPort + 1, HOME.resolve("kafka")).start()), starter))
                    .join();
        } catch (CompletionException e) {
            System.err.println("dev-infra: failed to start: " + e.getCause());
            e.getCause().printStackTrace();
            System.exit(1); // the shutdown hook stops whichever server did start
        } finally {
            starter.shutdown();
        }

        LocalPostgres pg = postgres.get();
        LocalKafka broker = kafka.get();
        writeEnvFile(pg, broker);
        System.out.printf("dev-infra: ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
        System.out.println("  PostgreSQL " + pg.jdbcUrl() + " (user " + pg.username() + ", password "
                + pg.password() + "), log " + pg.logFile());
        System.out.println("  Kafka      " + broker.bootstrapServers() + ", log " + broker.logFile());
        System.out.println("  env file   " + ENV_FILE);

        new CountDownLatch(1).await(); // until the process is killed
    }

    /** Written to a temporary file and moved, so a reader never sees half of it. */
    private static void writeEnvFile(LocalPostgres pg, LocalKafka kafka) throws IOException {
        String env = "QUARKUS_DATASOURCE_JDBC_URL=" + pg.jdbcUrl() + "\n"
                + "QUARKUS_DATASOURCE_USERNAME=" + pg.username() + "\n"
                + "QUARKUS_DATASOURCE_PASSWORD=" + pg.password() + "\n"
                + "KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers() + "\n";
        Path tmp = Files.writeString(HOME.resolve("env.tmp"), env);
        Files.move(tmp, ENV_FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int portFromEnv(String name, int defaultPort) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a port number: " + value, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort while shutting down
        }
    }
}
