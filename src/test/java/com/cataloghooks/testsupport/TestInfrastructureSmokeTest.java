package com.cataloghooks.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the test infrastructure itself: a real PostgreSQL, a real Kafka broker and the webhook receiver. */
class TestInfrastructureSmokeTest {

    private final TestInfrastructure infra = TestInfrastructure.get();

    @Test
    void postgresServesTheCatalogDatabaseToItsOwner() throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select version(), current_user, current_database()")) {
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("PostgreSQL"), rs.getString(1));
            if (System.getenv("TEST_PG_URL") == null) {
                assertEquals("catalog", rs.getString(2));
                assertEquals("catalog", rs.getString(3));
            }
        }
    }

    @Test
    void kafkaDeliversARecordAndKeepsItAcrossACrash() throws Exception {
        String topic = "smoke-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        produce(topic, "hello");
        assertEquals(List.of("hello"), consume(topic, 1));

        // Fault injection as later tests will do it: a crash, then a restart on the same port and data.
        if (infra.kafkaBroker().isPresent()) {
            TestInfrastructure.Broker broker = infra.kafkaBroker().get();
            broker.kill();
            assertFalse(broker.isRunning());
            broker.start();
            assertTrue(broker.isRunning());
            produce(topic, "after restart");
            assertEquals(List.of("hello", "after restart"), consume(topic, 2));
        }
    }

    @Test
    void receiverPlaysItsScriptThenTheDefaultAndRecordsEverything() throws Exception {
        try (TestReceiver receiver = TestReceiver.start()) {
            receiver.respond("/hooks").times(2).header("Retry-After", "1").with(503, "busy");
            HttpClient client = HttpClient.newHttpClient();

            List<HttpResponse<String>> responses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                responses.add(client.send(HttpRequest.newBuilder(URI.create(receiver.url("/hooks?attempt=" + i)))
                        .header("X-Signature", "sig-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }

            assertEquals(List.of(503, 503, 200), responses.stream().map(HttpResponse::statusCode).toList());
            assertEquals("1", responses.get(0).headers().firstValue("retry-after").orElseThrow());
            assertEquals("{\"status\":\"ok\"}", responses.get(2).body());
            List<TestReceiver.ReceivedRequest> recorded = receiver.requests("/hooks");
            assertEquals(3, recorded.size());
            assertEquals("POST", recorded.get(1).method());
            assertEquals("sig-1", recorded.get(1).header("x-signature"));
            assertEquals("attempt=1", recorded.get(1).query());
            assertEquals("{\"n\":1}", recorded.get(1).bodyAsString());
            assertTrue(recorded.get(2).receivedNanos() > recorded.get(1).receivedNanos());
        }
    }

    @Test
    void aSlowPathDoesNotHoldUpOthers() throws Exception {
        try (TestReceiver receiver = TestReceiver.start()) {
            receiver.respondAlways("/slow", 200, "late", Duration.ofSeconds(20));
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(receiver.url("/slow"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            long start = System.nanoTime();
            HttpResponse<String> fast = client.send(HttpRequest.newBuilder(URI.create(receiver.url("/fast")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, fast.statusCode());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            assertFalse(slow.isDone());
            slow.cancel(true);
        }
    }

    private void produce(String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads the topic from the start with a fresh group until {@code count} values arrived or 30 s passed. */
    private List<String> consume(String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
