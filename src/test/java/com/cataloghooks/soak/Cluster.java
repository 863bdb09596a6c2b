package com.cataloghooks.soak;

import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What the soak runs against: N packaged replicas (separate processes, one consumer group, one database), the real
 * PostgreSQL and the real Kafka broker of {@link TestInfrastructure}, with the means to break and mend each: kill -9
 * or SIGTERM a replica and start it again on its port, stop and start the database or the broker keeping their data.
 * <p>
 * It also installs, in the database, the soak's one piece of instrumentation: a trigger that writes down every
 * transition of a delivery to {@code succeeded} or {@code failed} in the transaction that makes it
 * ({@code soak_finished}), since the delivery row itself forgets its earlier ends when it is sent again.
 */
final class Cluster implements AutoCloseable {

    static final String TOPIC = "product-events";
    static final String DEAD_LETTERS = "product-events-dlq";
    static final String GROUP = "webhook-dispatcher";

    private final TestInfrastructure infra;
    private final List<ServiceProcess> replicas = new ArrayList<>();
    private final List<Boolean> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Cluster(TestInfrastructure infra, SoakSettings settings) {
        this.infra = infra;
        for (int i = 0; i < settings.replicas(); i++) {
            Map<String, String> env = new HashMap<>(settings.serviceEnv());
            env.put("HOSTNAME", "soak-r" + i); // the prefix of this replica's lease owner name
            // DEBUG shows more of what the service writes: more text in which a secret must not appear
            env.put("QUARKUS_LOG_CATEGORY__COM_CATALOGHOOKS__LEVEL", "DEBUG");
            replicas.add(ServiceProcess.of(infra, env));
            running.add(false);
        }
    }

    /** Starts the replicas one after the other (the first migrates the schema), then instruments the database. */
    Cluster start() throws SQLException {
        for (int i = 0; i < replicas.size(); i++) {
            startReplica(i);
        }
        installAudit();
        return this;
    }

    int size() {
        return replicas.size();
    }

    String baseUrl(int replica) {
        return replicas.get(replica).baseUrl();
    }

    List<Path> logs() {
        return replicas.stream().map(ServiceProcess::log).toList();
    }

    synchronized boolean isRunning(int replica) {
        return running.get(replica);
    }

    void startReplica(int replica) {
        replicas.get(replica).start();
        synchronized (this) {
            running.set(replica, true);
        }
    }

    void killReplica(int replica) {
        synchronized (this) {
            running.set(replica, false);
        }
        replicas.get(replica).kill();
    }

    /** SIGTERM; returns once the process has exited. */
    void stopReplica(int replica) {
        synchronized (this) {
            running.set(replica, false);
        }
        replicas.get(replica).stop();
    }

    /** Whether the replica's process is alive (one we did not stop must be). */
    boolean processAlive(int replica) {
        try {
            return ProcessHandle.of(replicas.get(replica).pid()).map(ProcessHandle::isAlive).orElse(false);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    Optional<TestInfrastructure.Database> database() {
        return infra.postgres();
    }

    Optional<TestInfrastructure.Broker> broker() {
        return infra.kafkaBroker();
    }

    /** Brings back whatever a fault left down: the database, the broker, every replica. */
    void ensureAllRunning() {
        database().filter(db -> !db.isRunning()).ifPresent(TestInfrastructure.Database::start);
        broker().filter(b -> !b.isRunning()).ifPresent(TestInfrastructure.Broker::start);
        for (int i = 0; i < replicas.size(); i++) {
            if (!processAlive(i)) {
                startReplica(i);
            }
        }
    }

    /** {@code /q/health/live} of a replica: "200", or its status and body, or why it did not answer. */
    String liveness(int replica) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(replica) + "/q/health/live"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? "200" : response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
    }

    private void installAudit() throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS soak_finished (delivery_id uuid NOT NULL, webhook_id uuid NOT NULL,
                        event_id uuid NOT NULL, status text NOT NULL, last_error text, at timestamptz NOT NULL)""");
            s.execute("TRUNCATE soak_finished");
            s.execute("""
                    CREATE OR REPLACE FUNCTION soak_audit_finished() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO soak_finished VALUES (NEW.id, NEW.webhook_id, NEW.event_id, NEW.status,
                                                          NEW.last_error, clock_timestamp());
                        RETURN NULL;
                    END $$""");
            s.execute("DROP TRIGGER IF EXISTS soak_audit_finished ON webhook_deliveries");
            s.execute("""
                    CREATE TRIGGER soak_audit_finished AFTER UPDATE OF status ON webhook_deliveries FOR EACH ROW
                    WHEN (NEW.status IN ('succeeded', 'failed') AND OLD.status IS DISTINCT FROM NEW.status)
                    EXECUTE FUNCTION soak_audit_finished()""");
        }
    }

    /** Removes the instrumentation, so that later tests on the same database run on the schema as shipped. */
    void removeAudit() {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS soak_audit_finished ON webhook_deliveries");
            s.execute("DROP FUNCTION IF EXISTS soak_audit_finished()");
            s.execute("DROP TABLE IF EXISTS soak_finished");
        } catch (SQLException e) {
            System.err.println("soak: could not remove the audit trigger: " + e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** Records on the dead-letter topic so far (0 while it does not exist). */
    long deadLetters() throws Exception {
        try (Admin admin = admin()) {
            return endOffsets(admin, DEAD_LETTERS).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Records of {@code product-events} the consumer group has not committed yet. */
    long consumerLag() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> end = endOffsets(admin, TOPIC);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
                OffsetAndMetadata at = committed.get(partition.getKey());
                lag += partition.getValue() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }

    /** Where each event of {@code product-events} is: {@code partition@offset} by event id, for diagnosis. */
    Map<String, String> topicPositions() {
        Map<String, String> positions = new HashMap<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "soak-reader-" + System.nanoTime(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (Admin admin = admin(); KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            Map<TopicPartition, Long> end = endOffsets(admin, TOPIC);
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    try {
                        String id = ApiClient.JSON.readTree(record.value()).path("id").asText();
                        positions.merge(id, record.partition() + "@" + record.offset(), (a, b) -> a + "," + b);
                    } catch (IOException | RuntimeException e) {
                        // not an event of ours: nothing to place
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("soak: could not read the topic: " + e);
        }
        return positions;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
            return Map.of();
        }
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Stops every replica gracefully. The database and the broker belong to the JVM's shared infrastructure. */
    @Override
    public void close() {
        for (ServiceProcess replica : replicas) {
            try {
                replica.close();
            } catch (RuntimeException e) {
                System.err.println("soak: could not stop " + replica.baseUrl() + ": " + e);
            }
        }
    }
}
