package com.cataloghooks.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The PostgreSQL and Kafka broker that all tests of a JVM share, started on first use and stopped when the JVM
 * exits.
 *
 * <p>Either may instead be an already running server: {@code TEST_PG_URL} (a JDBC URL, with
 * {@code TEST_PG_USER} and {@code TEST_PG_PASSWORD}, default postgres/postgres) and {@code TEST_KAFKA_BOOTSTRAP}.
 *
 * <p><b>One per JVM, whatever the class loader.</b> {@code @QuarkusTest} loads test classes, and so this class,
 * in a class loader of each Quarkus application it starts (a new one for every test profile), so a plain static
 * field would start the servers again for every application. The servers are therefore owned by this class as
 * loaded by the system class loader, which lives as long as the JVM; other copies reach it by reflection and
 * exchange only JDK types (strings and functional interfaces).
 */
public final class TestInfrastructure {

    /**
     * Created during class initialisation, on the caller's thread, so that logging is initialised before the two
     * start-up threads log for the first time: JUL's and JBoss LogManager's initialisations deadlock when raced.
     */
    private static final System.Logger LOG = System.getLogger(TestInfrastructure.class.getName());

    private static final String JDBC_URL = "jdbcUrl";
    private static final String USERNAME = "username";
    private static final String PASSWORD = "password";
    private static final String BOOTSTRAP_SERVERS = "bootstrapServers";
    private static final String KAFKA_START = "kafka.start";
    private static final String KAFKA_STOP = "kafka.stop";
    private static final String KAFKA_KILL = "kafka.kill";
    private static final String KAFKA_RUNNING = "kafka.running";
    private static final String PG_START = "postgres.start";
    private static final String PG_STOP = "postgres.stop";
    private static final String PG_RUNNING = "postgres.running";

    /** Set in the owning copy only: the shared state, or why starting failed (not retried for every test). */
    private static Map<String, Object> shared;
    private static RuntimeException startFailure;

    private final Map<String, Object> state;

    private TestInfrastructure(Map<String, Object> state) {
        this.state = state;
    }

    /** Starts the shared servers unless already started (by any class loader), then describes them. */
    public static TestInfrastructure get() {
        return new TestInfrastructure(sharedState());
    }

    public String jdbcUrl() {
        return (String) state.get(JDBC_URL);
    }

    public String username() {
        return (String) state.get(USERNAME);
    }

    public String password() {
        return (String) state.get(PASSWORD);
    }

    public String bootstrapServers() {
        return (String) state.get(BOOTSTRAP_SERVERS);
    }

    /**
     * The local broker, for tests that inject faults (stop, crash, restart on the same port and data); empty when
     * {@code TEST_KAFKA_BOOTSTRAP} names an external broker.
     */
    public Optional<Broker> kafkaBroker() {
        return state.containsKey(KAFKA_START) ? Optional.of(new Broker()) : Optional.empty();
    }

    /** Controls the shared local Kafka broker. */
    public final class Broker {
        private Broker() {
        }

        /** Starts the broker again if it is down, on the same port with the same data; waits until ready. */
        public void start() {
            ((Runnable) state.get(KAFKA_START)).run();
        }

        /** Graceful stop. */
        public void stop() {
            ((Runnable) state.get(KAFKA_STOP)).run();
        }

        /** Immediate kill, like a crash. */
        public void kill() {
            ((Runnable) state.get(KAFKA_KILL)).run();
        }

        public boolean isRunning() {
            return ((BooleanSupplier) state.get(KAFKA_RUNNING)).getAsBoolean();
        }
    }

    /**
     * The local PostgreSQL, for tests that restart the database (same port, same data); empty when
     * {@code TEST_PG_URL} names an external server.
     */
    public Optional<Database> postgres() {
        return state.containsKey(PG_START) ? Optional.of(new Database()) : Optional.empty();
    }

    /** Controls the shared local PostgreSQL. */
    public final class Database {
        private Database() {
        }

        /** Starts the server again if it is down, on the same port with the same data; waits until it accepts connections. */
        public void start() {
            ((Runnable) state.get(PG_START)).run();
        }

        /** Fast shutdown: open sessions are terminated, the data is kept. */
        public void stop() {
            ((Runnable) state.get(PG_STOP)).run();
        }

        public boolean isRunning() {
            return ((BooleanSupplier) state.get(PG_RUNNING)).getAsBoolean();
        }
    }

    // -------------------------------------------------------------------------------------- JVM-wide ownership

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sharedState() {
        Class<?> owner;
        try {
            owner = Class.forName(TestInfrastructure.class.getName(), true, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            owner = TestInfrastructure.class; // test classes are not on the system class path: best effort
        }
        if (owner == TestInfrastructure.class) {
            return startOnce();
        }
        try {
            Method startOnce = owner.getDeclaredMethod("startOnce");
            startOnce.setAccessible(true); // another class loader means another runtime package
            return (Map<String, Object>) startOnce.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach the shared test infrastructure", e);
        }
    }

    /** Called in the owning copy only. Starts PostgreSQL and Kafka in parallel: each takes several seconds. */
    private static synchronized Map<String, Object> startOnce() {
        if (startFailure != null) {
            throw new IllegalStateException("The test infrastructure failed to start earlier in this JVM",
                    startFailure);
        }
        if (shared != null) {
            return shared;
        }
        long started = System.nanoTime();
        ExecutorService starter = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "test-infrastructure-start");
            // Inherited from the caller it could be a Quarkus class loader, whose kafka-clients classes clash with
            // ours (kafka-clients loads configured classes such as its JmxReporter through this loader).
            thread.setContextClassLoader(TestInfrastructure.class.getClassLoader());
            return thread;
        });
        CompletableFuture<Optional<LocalPostgres>> postgres = CompletableFuture.supplyAsync(
                () -> env("TEST_PG_URL").isPresent() ? Optional.empty() : Optional.of(LocalPostgres.startRestartable()),
                starter);
        CompletableFuture<Optional<LocalKafka>> kafka = CompletableFuture.supplyAsync(
                () -> env("TEST_KAFKA_BOOTSTRAP").isPresent() ? Optional.empty()
                        : Optional.of(LocalKafka.ephemeral().start()),
                starter);
        try {
            CompletableFuture.allOf(postgres, kafka).join();
        } catch (CompletionException e) {
            // Do not leave the half that did start running until the JVM exits.
            postgres.thenAccept(pg -> pg.ifPresent(LocalPostgres::close));
            kafka.thenAccept(k -> k.ifPresent(LocalKafka::close));
            startFailure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            throw startFailure;
        } finally {
            starter.shutdown();
        }
        shared = Map.copyOf(describe(postgres.join(), kafka.join()));
        LOG.log(System.Logger.Level.INFO, String.format(
                "Test infrastructure ready in %d ms: PostgreSQL %s, Kafka %s", (System.nanoTime() - started) / 1_000_000,
                shared.get(JDBC_URL), shared.get(BOOTSTRAP_SERVERS)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.join().ifPresent(LocalPostgres::close);
            kafka.join().ifPresent(LocalKafka::close);
        }, "test-infrastructure-stop"));
        return shared;
    }

    private static Map<String, Object> describe(Optional<LocalPostgres> postgres, Optional<LocalKafka> kafka) {
        Map<String, Object> state = new HashMap<>();
        if (postgres.isPresent()) {
            LocalPostgres server = postgres.get();
            state.put(JDBC_URL, server.jdbcUrl());
            state.put(USERNAME, server.username());
            state.put(PASSWORD, server.password());
            state.put(PG_START, (Runnable) server::start);
            state.put(PG_STOP, (Runnable) server::stop);
            state.put(PG_RUNNING, (BooleanSupplier) server::isRunning);
        } else {
            state.put(JDBC_URL, env("TEST_PG_URL").orElseThrow());
            state.put(USERNAME, env("TEST_PG_USER").orElse("postgres"));
            state.put(PASSWORD, env("TEST_PG_PASSWORD").orElse("postgres"));
        }
        if (kafka.isPresent()) {
            LocalKafka broker = kafka.get();
            state.put(BOOTSTRAP_SERVERS, broker.bootstrapServers());
            state.put(KAFKA_START, withOwnContextClassLoader(broker::start));
            state.put(KAFKA_STOP, withOwnContextClassLoader(broker::stop));
            state.put(KAFKA_KILL, withOwnContextClassLoader(broker::kill));
            state.put(KAFKA_RUNNING, (BooleanSupplier) broker::isRunning);
        } else {
            state.put(BOOTSTRAP_SERVERS, env("TEST_KAFKA_BOOTSTRAP").orElseThrow());
        }
        return state;
    }

    /** Runs {@code action} with this copy's class loader as context class loader (see {@link #startOnce()}). */
    private static Runnable withOwnContextClassLoader(Runnable action) {
        return () -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(TestInfrastructure.class.getClassLoader());
            try {
                action.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
