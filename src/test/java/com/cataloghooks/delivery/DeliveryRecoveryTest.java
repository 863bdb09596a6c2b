package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is left behind by a crash is picked up: deliveries recorded but never sent, deliveries whose replica died
 * mid-way (expired lease), events published twice, and records that are not events at all.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DeliveryRecoveryTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** A delivery row as a crashed replica leaves it: state set directly in the real database. */
    private UUID insertDelivery(String webhookId, String status, int attempts, String leaseOwner, String leaseUntil)
            throws Exception {
        UUID eventId = UUID.randomUUID();
        String body = "{\"event\":\"product.created\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"id\":\""
                + eventId + "\"}}";
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO webhook_deliveries (id, event_id, webhook_id, event_type, body, status, attempts,
                         next_attempt_at, lease_owner, lease_until, created_at, updated_at)
                     VALUES (gen_random_uuid(), ?, ?::uuid, 'product.created', ?, ?, ?, now(), ?,
                         now() + CAST(? AS interval), now(), now())""")) {
            insert.setObject(1, eventId);
            insert.setString(2, webhookId);
            insert.setString(3, body);
            insert.setString(4, status);
            insert.setInt(5, attempts);
            insert.setString(6, leaseOwner);
            insert.setString(7, leaseUntil);
            insert.executeUpdate();
        }
        return eventId;
    }

    private String deliveryStatus(UUID eventId) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement("SELECT status FROM webhook_deliveries WHERE event_id = ?")) {
            query.setObject(1, eventId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void deliveriesLeftPendingOrLeasedByADeadReplicaAreSent() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), obj("retry_count", 3));

        UUID pending = insertDelivery(webhookId, "pending", 0, null, "0 seconds");
        UUID orphaned = insertDelivery(webhookId, "in_flight", 1, "dead-replica", "-1 seconds");
        UUID stillLeased = insertDelivery(webhookId, "in_flight", 1, "live-replica", "1 hour");

        await().atMost(PATIENCE).until(() -> receiver.requests(hook).size() >= 2);
        List<String> ids = receiver.requests(hook).stream().map(r -> r.header("webhook-id")).toList();
        assertTrue(ids.contains(pending.toString()), ids.toString());
        assertTrue(ids.contains(orphaned.toString()), ids.toString());
        await().atMost(PATIENCE).until(() -> "succeeded".equals(deliveryStatus(orphaned)));
        assertEquals("succeeded", deliveryStatus(pending));
        assertEquals("in_flight", deliveryStatus(stillLeased), "a live lease is respected");
        assertTrue(!ids.contains(stillLeased.toString()));

        List<Map<String, Object>> logs = api.logs(webhookId);
        Map<String, Object> orphanLog = logs.stream()
                .filter(l -> orphaned.toString().equals(l.get("event_id"))).findFirst().orElseThrow();
        assertEquals(2, orphanLog.get("attempt"), "the attempt made before the crash still counts");
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 2);
    }

    @Test
    void anEventCommittedButNeverPublishedIsPublishedAndDelivered() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), List.of("product.deleted"), Map.of());
        UUID eventId = UUID.randomUUID();
        String aggregate = UUID.randomUUID().toString();
        String envelope = "{\"id\":\"" + eventId + "\",\"event\":\"product.deleted\",\"timestamp\":\""
                + java.time.Instant.now() + "\",\"data\":{\"id\":\"" + aggregate + "\",\"sku\":\"S\",\"name\":\"N\"}}";
        // The state a crash right after the commit leaves: the row is there, nothing went to Kafka.
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO outbox_events (id, event_type, aggregate_id,"
                     + " payload, created_at) VALUES (?, 'product.deleted', ?, ?, now())")) {
            insert.setObject(1, eventId);
            insert.setString(2, aggregate);
            insert.setString(3, envelope);
            insert.executeUpdate();
        }
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        ReceivedRequest request = receiver.requests(hook).get(0);
        assertEquals(eventId.toString(), request.header("webhook-id"));
        assertTrue(request.bodyAsString().contains(aggregate));
    }

    @Test
    void aRepublishedEventIsDeliveredOnceAndNotToWebhooksCreatedAfterIt() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        String productId = createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);

        String payload;
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT payload FROM outbox_events WHERE aggregate_id = ? AND event_type = 'product.created'")) {
            query.setString(1, productId);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                payload = rs.getString(1);
            }
        }
        String laterHook = path();
        String laterWebhookId = api.webhook(receiver.url(laterHook), List.of("product.created"), Map.of());
        // As if the relay crashed after the broker's ack and before marking the row: the same event again.
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("product-events", productId, payload)).get();
        }
        String marker = uniqueSku();
        createProduct(marker, "");
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 2);
        List<ReceivedRequest> requests = receiver.requests(hook);
        assertEquals(2, requests.size(), "the duplicate record added no delivery");
        assertTrue(requests.get(1).bodyAsString().contains(marker));
        await().atMost(PATIENCE).until(() -> api.get(laterWebhookId).getInt("success_count") == 1);
        List<ReceivedRequest> later = receiver.requests(laterHook);
        assertEquals(1, later.size(), "the old event is not sent to a webhook created after it");
        assertTrue(later.get(0).bodyAsString().contains(marker));
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicAndDeliveryGoesOn() throws Exception {
        String hook = path();
        String webhookId = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        String garbage = "not an event " + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("product-events", "poison", garbage)).get();
        }
        String sku = uniqueSku();
        createProduct(sku, "");
        await().atMost(PATIENCE).until(() -> api.get(webhookId).getInt("success_count") == 1);
        assertTrue(receiver.requests(hook).get(0).bodyAsString().contains(sku));

        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of("product-events-dlq"));
            List<String> dead = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    dead.add(record.value());
                }
                return dead.contains(garbage);
            });
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }
}
