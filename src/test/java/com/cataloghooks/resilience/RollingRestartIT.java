package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.PackagedReceiverTest;
import com.cataloghooks.testsupport.DeliveryTally;
import com.cataloghooks.testsupport.LoadGenerator;
import com.cataloghooks.testsupport.LoadGenerator.Write;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestReceiver;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling restart under load, as a deployment does it: three packaged replicas on one database and broker,
 * products written round-robin to them, each replica in turn stopped with SIGTERM and started again. Nothing is
 * lost, no answer is a server error (a replica that is stopping refuses new requests with 503, which a load
 * balancer sends elsewhere), and no receiver gets an event twice: every graceful stop writes the outcomes it has and
 * hands the rest back.
 */
class RollingRestartIT extends PackagedReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void aRollingRestartLosesNothingAnswersNo500AndSendsNothingTwice() {
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(ServiceProcess.of(infra, Map.of("HOSTNAME", "rolling-" + i)).start());
        }
        List<String> hooks = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                String hook = "/rolling-" + UUID.randomUUID();
                hooks.add(hook);
                ids.add(RestAssured.given().baseUri(replicas.get(0).baseUrl()).contentType(ContentType.JSON)
                        .body(obj("url", receiver.url(hook), "events", List.of("product.created")))
                        .post("/api/v1/webhooks").then().statusCode(201).extract().path("id"));
            }
            List<String> urls = replicas.stream().map(ServiceProcess::baseUrl).toList();
            int total = 6000; // more than the restarts need, however slow: the load is finished after them
            try (LoadGenerator load = LoadGenerator.start(urls, 20, total, "ROLLING")) {
                for (ServiceProcess replica : replicas) {
                    int before = load.sent();
                    await().atMost(PATIENCE).until(() -> load.sent() >= before + 40);
                    replica.stop();
                    replica.start();
                }
                int afterRestarts = load.sent();
                await().atMost(PATIENCE).until(() -> load.sent() >= afterRestarts + 40);
                load.finish();
                await().atMost(PATIENCE).until(load::isDone);

                List<Write> writes = load.writes();
                List<String> committed = writes.stream().filter(Write::committed).map(Write::productId).toList();
                List<Write> serverErrors = writes.stream().filter(w -> w.status() >= 500 && w.status() != 503).toList();
                await().atMost(PATIENCE).until(() -> hooks.stream()
                        .allMatch(hook -> DeliveryTally.complete(receiver, hook, committed)));
                List<DeliveryTally> tallies = hooks.stream().map(h -> DeliveryTally.of(receiver, h, committed)).toList();
                System.out.printf("rolling restart of 3 replicas: writes %d, committed %d, 503 %d, no answer %d; %s%n",
                        writes.size(), committed.size(), writes.stream().filter(w -> w.status() == 503).count(),
                        writes.stream().filter(w -> w.status() == 0).count(), tallies);
                assertAll(
                        () -> assertTrue(committed.size() > writes.size() / 2, "most writes were acknowledged: " + committed.size()),
                        () -> assertEquals(List.of(), serverErrors, "no server error"),
                        () -> assertEquals(List.of(0, 0), tallies.stream().map(DeliveryTally::lost).toList(), "lost"),
                        () -> assertEquals(List.of(0, 0), tallies.stream().map(DeliveryTally::duplicates).toList(),
                                "duplicates"));
            }
        } finally {
            for (String id : ids) {
                RestAssured.given().baseUri(replicas.get(0).baseUrl()).delete("/api/v1/webhooks/" + id);
            }
            replicas.forEach(ServiceProcess::close);
        }
    }
}
