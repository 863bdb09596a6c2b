package com.cataloghooks.soak;

import com.cataloghooks.soak.History.ProductWrite;
import com.cataloghooks.soak.Receivers.Kind;
import com.cataloghooks.soak.WebhookRecord.Change;
import com.cataloghooks.soak.WebhookRecord.Config;
import com.cataloghooks.soak.WebhookRecord.Outcome;
import com.cataloghooks.testsupport.Signatures;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's checkers can fail: each is fed a made-up run with one violation of its kind, and must count it (and
 * count nothing on the same run without it). An invariant that could never fail would prove nothing.
 */
class SoakCheckersTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Set<String> PRODUCT = WebhookOperations.PRODUCT_EVENTS;

    private final Receivers receivers = new Receivers();
    private final History history = new History();
    private final Observed observed = new Observed();
    private final List<ReceivedRequest> requests = new ArrayList<>();

    @AfterEach
    void close() {
        receivers.close();
    }

    @Test
    void aPayloadFilterReadsAsTheReadmeSays() {
        JsonNode data = json("{\"active\": true, \"description\": null, \"name\": \"n\"}");
        assertTrue(PayloadFilters.matches(Map.of("active", true), data));
        assertFalse(PayloadFilters.matches(Map.of("active", false), data));
        assertTrue(PayloadFilters.matches(Map.of("description", Map.of("$exists", true)), data), "null exists");
        assertTrue(PayloadFilters.matches(Map.of("description", Map.of("$ne", "quiet")), data));
        assertFalse(PayloadFilters.matches(Map.of("sku", Map.of("$in", List.of("a"))), data), "missing is in nothing");
        assertTrue(PayloadFilters.matches(Map.of("sku", Map.of("$ne", "a")), data), "missing is not equal");
        Map<String, Object> bursts = PayloadFilters.burstProducts("soak1-x");
        assertTrue(PayloadFilters.matches(bursts, json("{\"sku\": \"soak1-x-b2-17\"}")));
        for (String other : List.of("soak1-x-p2-17", "soak1-x-B2-17-0", "soak1-x-I0-3-1", "canary-1")) {
            assertFalse(PayloadFilters.matches(bursts, json("{\"sku\": \"" + other + "\"}")), other);
        }
    }

    @Test
    void aWebhookIsDueOnlyWhileItsConfigurationIsKnownAndFitting() {
        WebhookRecord webhook = webhook(Kind.OK, false);
        JsonNode data = json("{\"active\": true}");
        assertTrue(webhook.eligibleThroughout(T0.plusSeconds(10), T0.plusSeconds(20), "product.created", data));
        assertFalse(webhook.eligibleThroughout(T0.minusSeconds(1), T0.plusSeconds(20), "product.created", data),
                "written before the webhook was acknowledged");
        assertFalse(webhook.eligibleThroughout(T0.plusSeconds(10), T0.plusSeconds(20), "import.started", data));
        webhook.change(new Change("deactivate", T0.plusSeconds(30), T0.plusSeconds(31), Outcome.ACKED, true, false,
                webhook.current().with(false, null, null, false, null)));
        assertFalse(webhook.eligibleThroughout(T0.plusSeconds(25), T0.plusSeconds(40), "product.created", data),
                "deactivated within the window");
        assertFalse(webhook.eligibleThroughout(T0.plusSeconds(35), T0.plusSeconds(40), "product.created", data),
                "inactive");
        webhook.change(new Change("activate", T0.plusSeconds(50), T0.plusSeconds(51), Outcome.AMBIGUOUS, true, false,
                null));
        assertFalse(webhook.eligibleThroughout(T0.plusSeconds(60), T0.plusSeconds(70), "product.created", data),
                "in doubt");
    }

    @Test
    void aLostEventAnOutOfOrderArrivalAndAResentSuccessAreCounted() {
        WebhookRecord ordered = webhook(Kind.OK, true);
        WebhookRecord other = webhook(Kind.OK, false);
        String product = UUID.randomUUID().toString();
        String created = event("product.created", product, "n1", T0.plusSeconds(10));
        String updated = event("product.updated", product, "n2", T0.plusSeconds(11));
        arrive(ordered, created, T0.plusSeconds(12));
        arrive(ordered, updated, T0.plusSeconds(13));
        arrive(other, created, T0.plusSeconds(12));
        arrive(other, updated, T0.plusSeconds(12));
        assertEquals(List.of(0L, 0L, 0L), deliveryViolations(), "a clean run");

        requests.clear();
        arrive(ordered, updated, T0.plusSeconds(12));
        arrive(ordered, created, T0.plusSeconds(13)); // out of order
        arrive(other, created, T0.plusSeconds(12));   // the update never reaches the other
        arrive(other, created, T0.plusSeconds(14));   // answered 2xx, then sent again
        assertEquals(1, find(judgeDeliveries(), "no fault to blame").violations, "with no fault: counted apart");
        history.fault(new History.Fault(Faults.SIGTERM, 0, T0.plusMillis(13_500), T0.plusMillis(13_800),
                T0.plusSeconds(15), T0.plusSeconds(40)));
        assertEquals(List.of(1L, 1L, 1L), deliveryViolations(), "reached, ordered, resent");
    }

    @Test
    void countersSecretsAndSignaturesAreChecked() {
        WebhookRecord webhook = webhook(Kind.OK, false);
        String secret = webhook.secrets().get(0);
        observed.apiCounters.put(webhook.id(), new Observed.Counters(2, 1));
        observed.successLogs.put(webhook.id(), 2L);
        observed.finished.put(webhook.id(), new Observed.Counters(2, 1));
        observed.logFiles.put("replica.log", "INFO all is well");
        byte[] body = "{\"event\":\"product.created\"}".getBytes(StandardCharsets.UTF_8);
        String id = UUID.randomUUID().toString();
        observed.requests = List.of(signed(webhook, id, body, secret));
        assertEquals(List.of(0L, 0L, 0L), bookkeepingViolations(), "a clean run");

        observed.finished.put(webhook.id(), new Observed.Counters(1, 1)); // one success counted twice
        observed.logFiles.put("replica.log", "DEBUG sending with secret=" + secret);
        observed.requests = List.of(signed(webhook, id, body, "whsec_" + "A".repeat(32)));
        assertEquals(List.of(1L, 1L, 1L), bookkeepingViolations(), "counters, secret, signature");
    }

    private List<Verdict> judgeDeliveries() {
        observed.requests = List.copyOf(requests);
        CommittedEvents committed = new CommittedEvents(history, observed);
        Map<String, Kind> kinds = Map.of(history.webhooks().get(0).path, Kind.OK, history.webhooks().get(1).path,
                Kind.OK);
        return new DeliveryInvariants(history, observed, committed,
                new Arrivals(observed.requests, kinds, receivers), T0.plusSeconds(100), true).judge();
    }

    private List<Long> deliveryViolations() {
        List<Verdict> verdicts = judgeDeliveries();
        return List.of(find(verdicts, "reached").violations, find(verdicts, "commit order").violations,
                find(verdicts, "graceful stop").violations);
    }

    private List<Long> bookkeepingViolations() {
        List<Verdict> verdicts = new BookkeepingInvariants(history, observed).judge();
        return List.of(find(verdicts, "counters").violations, find(verdicts, "no secret").violations,
                find(verdicts, "signatures").violations);
    }

    private static Verdict find(List<Verdict> verdicts, String words) {
        return verdicts.stream().filter(v -> v.check.contains(words)).findFirst().orElseThrow();
    }

    private WebhookRecord webhook(Kind kind, boolean ordered) {
        WebhookRecord webhook = new WebhookRecord(kind, receivers.allocate(kind, new Random(1)), true);
        webhook.created(UUID.randomUUID().toString(), T0, new Config(true, PRODUCT, null, ordered),
                "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]).replace('A', 'B'));
        history.webhook(webhook);
        return webhook;
    }

    private String event(String type, String product, String name, Instant sent) {
        String id = UUID.randomUUID().toString();
        observed.outbox.add(new Observed.OutboxEvent(id, type, product,
                json("{\"id\": \"" + product + "\", \"name\": \"" + name + "\", \"active\": true}"), sent, sent));
        history.write(new ProductWrite(0, product, type, name, sent, sent.plusMillis(5), true, null));
        return id;
    }

    private void arrive(WebhookRecord webhook, String eventId, Instant at) {
        requests.add(new ReceivedRequest(webhook.path, null, "POST", Map.of("webhook-id", List.of(eventId)),
                new byte[0], at, 0, 0));
    }

    private static ReceivedRequest signed(WebhookRecord webhook, String id, byte[] body, String secret) {
        String timestamp = "1767225600";
        return new ReceivedRequest(webhook.path, null, "POST", Map.of("webhook-id", List.of(id),
                "webhook-timestamp", List.of(timestamp),
                "webhook-signature", List.of(Signatures.expectedStandardSignature(secret, id, timestamp, body)),
                "X-Webhook-Signature", List.of(Signatures.expectedBodySignature(secret, body))),
                body, T0.plusSeconds(5), 0, 0);
    }

    private static JsonNode json(String text) {
        try {
            return ApiClient.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
