package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.PackagedReceiverTest;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service, stopped while a delivery is pending, delivers it after it starts again: once after a
 * crash (SIGKILL: the lease must expire first) and once after a graceful stop (SIGTERM: the lease is released).
 */
class DeliveryRestartIT extends PackagedReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static RequestSpecification api(ServiceProcess service) {
        return RestAssured.given().baseUri(service.baseUrl()).contentType(ContentType.JSON);
    }

    private static Map<String, String> fastSettings() {
        // a short lease so that the test does not wait out the production default of a minute
        return Map.of("CATALOG_DELIVERY_LEASE", "2s", "CATALOG_DELIVERY_BACKOFF_BASE", "1000");
    }

    @Test
    void aDeliveryInterruptedByACrashIsSentAfterRestart() throws SQLException {
        // a crash leaves the delivery leased until the lease expires
        assertDeliveredAcrossRestart(ServiceProcess::kill, 1);
    }

    @Test
    void aDeliveryInterruptedByAGracefulStopIsSentAfterRestart() throws SQLException {
        // a graceful stop hands it back: nothing stays in flight
        assertDeliveredAcrossRestart(ServiceProcess::stop, 0);
    }

    /**
     * SIGTERM while many requests are under way: each one the receiver answered is written as succeeded before the
     * process exits (the recorder stops only after the dispatcher's last outcome is committed), so nothing answered
     * is sent again after the restart, and everything else is.
     */
    @Test
    void aGracefulStopWritesEveryOutcomeItHasAndResendsNothingAnswered() throws SQLException {
        int webhooks = 5;
        int products = 8;
        List<String> hooks = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        Map<String, String> settings = new java.util.HashMap<>(fastSettings());
        settings.put("CATALOG_DELIVERY_MAX_IN_FLIGHT_PER_WEBHOOK", "2"); // two rounds at least: stopped mid-way
        try (ServiceProcess service = ServiceProcess.of(infra, settings).start()) {
            for (int i = 0; i < webhooks; i++) {
                String hook = "/graceful-" + UUID.randomUUID();
                receiver.respondAlways(hook, 200, "{\"status\":\"ok\"}", Duration.ofMillis(700));
                hooks.add(hook);
                ids.add(api(service).body(obj("url", receiver.url(hook), "events", List.of("product.created"),
                        "timeout_seconds", 5)).post("/api/v1/webhooks").then().statusCode(201).extract().path("id"));
            }
            for (int i = 0; i < products; i++) {
                api(service).body(obj("sku", "GRACEFUL-" + UUID.randomUUID(), "name", "p" + i))
                        .post("/api/v1/products").then().statusCode(201);
            }
            await().atMost(PATIENCE).until(() -> hooks.stream().mapToInt(h -> receiver.requests(h).size()).sum() >= 10);

            service.stop();
            long received = hooks.stream().mapToInt(h -> receiver.requests(h).size()).sum();
            assertTrue(received < (long) webhooks * products, "stopped in the middle of the work");
            for (int i = 0; i < webhooks; i++) {
                for (String eventId : receiver.requests(hooks.get(i)).stream().map(r -> r.header("webhook-id")).toList()) {
                    assertEquals("succeeded", status(ids.get(i), eventId), "answered before the stop, so written");
                }
            }
            assertEquals(0, inFlight(ids));

            service.start();
            await().atMost(PATIENCE).until(() -> hooks.stream().allMatch(h -> receiver.requests(h).size() >= products));
            for (String hook : hooks) {
                List<String> events = receiver.requests(hook).stream().map(r -> r.header("webhook-id")).toList();
                assertEquals(products, events.size(), "each event once: nothing answered was sent again");
                assertEquals(products, events.stream().distinct().count());
            }
            ids.forEach(id -> api(service).delete("/api/v1/webhooks/" + id).then().statusCode(204));
        }
    }

    private static String status(String webhookId, String eventId) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
             PreparedStatement query = c.prepareStatement(
                     "SELECT status FROM webhook_deliveries WHERE webhook_id = ?::uuid AND event_id = ?::uuid")) {
            query.setString(1, webhookId);
            query.setString(2, eventId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long inFlight(List<String> webhookIds) throws SQLException {
        long total = 0;
        for (String id : webhookIds) {
            total += inFlight(id);
        }
        return total;
    }

    private static long inFlight(String webhookId) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
             PreparedStatement query = c.prepareStatement(
                     "SELECT count(*) FROM webhook_deliveries WHERE status = 'in_flight' AND webhook_id = ?::uuid")) {
            query.setString(1, webhookId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void assertDeliveredAcrossRestart(java.util.function.ToIntFunction<ServiceProcess> halt,
                                              long inFlightWhileDown) throws SQLException {
        String hook = "/restart-" + UUID.randomUUID();
        // Refuse long enough that the delivery is still waiting to retry when the service goes down.
        receiver.respond(hook).times(1).with(503, "not yet");
        receiver.respondAlways(hook, 503, "still not");
        try (ServiceProcess service = ServiceProcess.of(infra, fastSettings()).start()) {
            String webhookId = api(service)
                    .body(obj("url", receiver.url(hook), "events", List.of("product.created"), "retry_count", 10, "timeout_seconds", 2))
                    .post("/api/v1/webhooks").then().statusCode(201).extract().path("id");
            api(service).body(obj("sku", "RESTART-" + UUID.randomUUID(), "name", "survivor"))
                    .post("/api/v1/products").then().statusCode(201);
            await().atMost(PATIENCE).until(() -> receiver.requests(hook).size() >= 1);

            halt.applyAsInt(service);
            assertEquals(inFlightWhileDown, inFlight(webhookId));
            receiver.respondAlways(hook, 200, "{\"status\":\"ok\"}");
            int attemptsWhileDown = receiver.requests(hook).size();

            service.start();
            await().atMost(PATIENCE).until(() -> api(service).get("/api/v1/webhooks/" + webhookId)
                    .then().extract().<Integer>path("success_count") == 1);
            List<ReceivedRequest> requests = receiver.requests(hook);
            assertTrue(requests.size() > attemptsWhileDown, "sent again after the restart");
            assertEquals(1, requests.stream().map(r -> r.header("webhook-id")).distinct().count(),
                    "every attempt, before and after the restart, carries the same event id");
            assertEquals(0, api(service).get("/api/v1/webhooks/" + webhookId)
                    .then().extract().<Integer>path("failure_count"));
            api(service).delete("/api/v1/webhooks/" + webhookId).then().statusCode(204);
        }
    }
}
