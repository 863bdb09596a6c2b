package com.cataloghooks.delivery;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.LogCapture;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestReceiver;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event path never dies and never dead-letters a valid event because of other rows: a webhook deleted while its
 * events are planned is simply not planned for, and an event the database refuses is tried again until the
 * database takes it, never dead-lettered, while the consumer stays alive. Real broker, real database, real receiver.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class EventPathTest extends ReceiverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aWebhookDeletedWhileEventsArePlannedCostsTheOthersNothing() throws Exception {
        String healthy = path();
        String doomed = path();
        api.webhook(receiver.url(healthy), List.of("product.created"), Map.of());
        String doomedId = api.webhook(receiver.url(doomed), List.of("product.created"), Map.of());

        // The delete held open, as a delete of a webhook with many log rows is for seconds.
        try (Connection delete = dataSource.getConnection()) {
            delete.setAutoCommit(false);
            try (PreparedStatement statement = delete.prepareStatement("DELETE FROM webhooks WHERE id = ?")) {
                statement.setObject(1, UUID.fromString(doomedId));
                assertEquals(1, statement.executeUpdate());
            }
            String during = createProduct(uniqueSku(), "");
            await().atMost(PATIENCE).until(() -> productsReceived(healthy).contains(during));
            delete.commit();
        }

        String after = createProduct(uniqueSku(), "");
        await().atMost(PATIENCE).until(() -> productsReceived(healthy).contains(after));
        assertTrue(receiver.requests(doomed).isEmpty(), "the deleted webhook got nothing");
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void anEventTheDatabaseRefusesIsRetriedNotDeadLettered() throws Exception {
        String hook = path();
        api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        String marker = "POISON-" + UUID.randomUUID();
        execute("CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'refused by the test' USING ERRCODE = '23514'; END $$");
        execute("CREATE TRIGGER refuse_for_test BEFORE INSERT ON webhook_deliveries FOR EACH ROW "
                + "WHEN (NEW.body LIKE '%" + marker + "%') EXECUTE FUNCTION refuse_for_test()");
        String refused;
        try (LogCapture log = LogCapture.install()) {
            refused = createProduct(marker, "");
            // refused more than once: the consumer lives on and keeps trying
            await().atMost(PATIENCE).until(() -> log.lines().stream()
                    .filter(line -> line.contains("could not be planned") && line.contains("refused by the test"))
                    .count() >= 2);
            assertFalse(productsReceived(hook).contains(refused));
            given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            execute("DROP TRIGGER refuse_for_test ON webhook_deliveries");
            execute("DROP FUNCTION refuse_for_test()");
        }
        // Once the database takes it, the event is delivered, and so are the events after it.
        String after = createProduct(uniqueSku(), "");
        await().atMost(Duration.ofSeconds(60)).until(() -> productsReceived(hook).containsAll(List.of(refused, after)));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static List<String> productsReceived(String path) {
        return receiver.requests(path).stream()
                .map(TestReceiver.ReceivedRequest::bodyAsString)
                .map(body -> io.restassured.path.json.JsonPath.from(body).getString("data.id"))
                .toList();
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }
}
