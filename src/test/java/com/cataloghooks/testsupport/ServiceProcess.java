package com.cataloghooks.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service as a process of its own, configured only by environment variables as a deployer would, so
 * tests can stop it (SIGTERM) or kill it (SIGKILL) and start it again on the same port.
 *
 * <p>Which package runs is {@link PackagedArtifact#selected()}: the JVM fast-jar by default, the native executable
 * with {@code -Dnative} (see {@code scripts/native-check}). Every integration test runs unchanged on either.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Heap bound for both packages, so that their memory is compared under the same limit. */
    public static final String MAX_HEAP = "-Xmx256m";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Short: a native executable is ready in a fraction of a second, and time-to-ready is measured with this. */
    private static final Duration READY_POLL = Duration.ofMillis(10);

    private final PackagedArtifact artifact;
    private final Map<String, String> env;
    private final int port;
    private final Path log;
    private Process process;
    private Duration lastStartup;

    private ServiceProcess(PackagedArtifact artifact, Map<String, String> env, int port, Path log) {
        this.artifact = artifact;
        this.env = env;
        this.port = port;
        this.log = log;
    }

    /** A service on a free port against the shared test infrastructure; {@code extraEnv} adds or overrides. */
    public static ServiceProcess of(TestInfrastructure infra, Map<String, String> extraEnv) {
        return of(PackagedArtifact.selected(), infra, extraEnv);
    }

    /** Like {@link #of(TestInfrastructure, Map)}, for the given package whatever the selection. */
    public static ServiceProcess of(PackagedArtifact artifact, TestInfrastructure infra, Map<String, String> extraEnv) {
        artifact.requirePresent();
        TestAuth.install();
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", infra.jdbcUrl());
        env.put("QUARKUS_DATASOURCE_USERNAME", infra.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", infra.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.putAll(TestAuth.SERVICE_ENV);
        env.putAll(extraEnv);
        try {
            Path log = Files.createTempFile(Path.of("target"), "service-" + port + "-", ".log");
            return new ServiceProcess(artifact, env, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    public synchronized ServiceProcess start() {
        return start("/q/health/ready");
    }

    /** Starts the service and waits only until it is alive ({@code /q/health/live}), ready or not. */
    public synchronized ServiceProcess startAlive() {
        return start("/q/health/live");
    }

    /** Starts a service that must refuse to start: waits for it to exit and returns its exit code. */
    public synchronized int startExpectingExit() {
        ProcessBuilder builder = new ProcessBuilder(artifact.command(MAX_HEAP))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            process = builder.start();
            if (!process.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not exit within " + READY_TIMEOUT.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + artifact, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ServiceProcess start(String healthPath) {
        ProcessBuilder builder = new ProcessBuilder(artifact.command(MAX_HEAP))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + artifact, e);
        }
        await(healthPath);
        lastStartup = Duration.ofNanos(System.nanoTime() - started);
        return this;
    }

    /** From process start to the health check answering 200, for the last {@code start}. */
    public synchronized Duration lastStartup() {
        return lastStartup;
    }

    /** The operating system's process id of the running service. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        return process.pid();
    }

    /** SIGTERM, as Kubernetes stops a pod; waits for the process to exit. */
    public synchronized int stop() {
        return end(false);
    }

    /** SIGKILL: a crash, nothing runs on the way out. */
    public synchronized int kill() {
        return end(true);
    }

    public Path log() {
        return log;
    }

    /** Stops gracefully, so the next service in the same consumer group does not wait for this one's session. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private int end(boolean force) {
        if (process == null) {
            return -1;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void await(String healthPath) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + healthPath))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(READY_POLL.toMillis()); // polling a process we do not control, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(healthPath + " was not UP within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
