package com.cataloghooks.security;

import com.cataloghooks.common.crypto.SecretCipher;
import com.cataloghooks.common.crypto.StoredSecrets;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.LogCapture;
import com.cataloghooks.testsupport.ReceiverTest;
import com.cataloghooks.testsupport.TestInfrastructure;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.cataloghooks.webhook.SecretReencryption;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static com.cataloghooks.testsupport.Json.obj;
import static com.cataloghooks.testsupport.Signatures.expectedBodySignature;
import static com.cataloghooks.testsupport.WebhookApi.createProduct;
import static com.cataloghooks.testsupport.WebhookApi.uniqueSku;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook secrets and custom header values: usable for signing and sending, yet readable nowhere else (not in any
 * table, any log line or any API answer); re-encrypted when the active key changes; encrypted by the migration when
 * they were stored before encryption.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class SecretsAtRestTest extends ReceiverTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SecretReencryption reencryption;

    @Test
    void secretsWorkForSendingAndAreReadableNowhereElse() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        String headerValue = "hv-" + UUID.randomUUID();
        String newSecret = "s3cret-" + UUID.randomUUID();
        String newHeaderValue = "hv-" + UUID.randomUUID();
        String hook = path();
        receiver.respondAlways(hook, 200, "ok");
        try (LogCapture log = LogCapture.install()) {
            String id = api.webhook(receiver.url(hook), List.of("product.created"),
                    obj("secret", secret, "headers", Map.of("X-Token", headerValue)));
            given().when().get("/api/v1/webhooks/" + id).then()
                    .body("$", not(hasKey("secret")))
                    .body("has_secret", equalTo(true))
                    .body("headers.X-Token", equalTo(StoredSecrets.MASK));

            createProduct(uniqueSku(), "");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests(hook).size() == 1);
            ReceivedRequest delivered = receiver.requests(hook).get(0);
            assertEquals(expectedBodySignature(secret, delivered.body()), delivered.header("X-Webhook-Signature"));
            assertEquals(headerValue, delivered.header("X-Token"));

            given().contentType(ContentType.JSON).body(obj("secret", newSecret, "headers", Map.of("X-Token", newHeaderValue)))
                    .when().put("/api/v1/webhooks/" + id).then().statusCode(200)
                    .body("headers.X-Token", equalTo(StoredSecrets.MASK));
            given().contentType(ContentType.JSON).body("{}").when().post("/api/v1/webhooks/" + id + "/test")
                    .then().statusCode(200).body("success", equalTo(true));
            ReceivedRequest tested = receiver.requests(hook).get(1);
            assertEquals(expectedBodySignature(newSecret, tested.body()), tested.header("X-Webhook-Signature"));
            assertEquals(newHeaderValue, tested.header("X-Token"));

            String everything = wholeDatabase();
            String lines = log.all();
            for (String value : List.of(secret, headerValue, newSecret, newHeaderValue)) {
                assertFalse(everything.contains(value), "a secret is readable in the database");
                assertFalse(lines.contains(value), "a secret is readable in the log");
            }
            assertTrue(everything.contains("gcm1:test:"), "the values are stored encrypted with the active key");
        }
    }

    @Test
    void valuesUnderAnOlderKeyAreReencryptedWithTheActiveOne() throws Exception {
        String secret = "rotated-" + UUID.randomUUID();
        String hook = path();
        receiver.respondAlways(hook, 200, "ok");
        String id = api.webhook(receiver.url(hook), List.of("product.created"), Map.of());
        SecretCipher old = cipher(Optional.of("test-old"));
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE webhooks SET secret = ?, headers = jsonb_build_object('X-Token', ?::text) WHERE id = ?::uuid")) {
            update.setString(1, old.encrypt(secret, StoredSecrets.SECRET));
            update.setString(2, old.encrypt("token", StoredSecrets.HEADER));
            update.setString(3, id);
            update.executeUpdate();
        }

        assertTrue(reencryption.reencryptAll() >= 1);

        String[] stored = storedValues(id);
        assertTrue(stored[0].startsWith("gcm1:test:"), stored[0]);
        assertTrue(stored[1].contains("gcm1:test:") && !stored[1].contains("gcm1:test-old:"), stored[1]);
        createProduct(uniqueSku(), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests(hook).size() == 1);
        ReceivedRequest delivered = receiver.requests(hook).get(0);
        assertEquals(expectedBodySignature(secret, delivered.body()), delivered.header("X-Webhook-Signature"));
        assertEquals("token", delivered.header("X-Token"));
        assertEquals(0, reencryption.reencryptAll(), "nothing left under the old key");
    }

    @Test
    void theMigrationEncryptsValuesStoredBeforeEncryption() throws Exception {
        assertTrue(appliedVersions(dataSource.getConnection()).contains("5"), "the service ran the Java migration");
        TestInfrastructure infra = TestInfrastructure.get();
        // a schema of its own, migrated from nothing: to version 4, then rows written in clear, then the rest
        String schema = "migration_" + UUID.randomUUID().toString().replace("-", "");
        String url = infra.jdbcUrl() + (infra.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try {
            Flyway.configure(Thread.currentThread().getContextClassLoader()).dataSource(url, infra.username(), infra.password())
                    .schemas(schema).target("4").load().migrate();
            UUID id = UUID.randomUUID();
            try (Connection c = DriverManager.getConnection(url, infra.username(), infra.password());
                 PreparedStatement insert = c.prepareStatement("""
                         INSERT INTO webhooks (id, url, events, is_active, secret, headers, retry_count, timeout_seconds,
                                               success_count, failure_count, created_at, updated_at)
                         VALUES (?, 'https://example.com/', ARRAY['product.created'], TRUE, 'plain-secret',
                                 '{"X-Token": "plain-token"}'::jsonb, 3, 5, 0, 0, now(), now())""")) {
                insert.setObject(1, id);
                insert.executeUpdate();
            }

            Flyway.configure(Thread.currentThread().getContextClassLoader()).dataSource(url, infra.username(), infra.password())
                    .schemas(schema).load().migrate();

            try (Connection c = DriverManager.getConnection(url, infra.username(), infra.password());
                 PreparedStatement select = c.prepareStatement(
                         "SELECT secret, headers->>'X-Token' FROM webhooks WHERE id = ?")) {
                select.setObject(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    assertTrue(rs.next());
                    SecretCipher cipher = cipher(Optional.empty());
                    assertTrue(rs.getString(1).startsWith("gcm1:test:"), rs.getString(1));
                    assertEquals("plain-secret", cipher.decrypt(rs.getString(1), StoredSecrets.SECRET));
                    assertEquals("plain-token", cipher.decrypt(rs.getString(2), StoredSecrets.HEADER));
                }
                assertTrue(appliedVersions(c).contains("5"));
            }
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static List<String> appliedVersions(Connection connection) throws Exception {
        try (connection; Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
            return versions;
        }
    }

    private static SecretCipher cipher(Optional<String> active) {
        List<String> keys = ConfigProvider.getConfig().getValues("catalog.security.encryption-keys", String.class);
        return SecretCipher.fromConfig(keys, active);
    }

    private String[] storedValues(String id) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT secret, CAST(headers AS text) FROM webhooks WHERE id = ?::uuid")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                return new String[]{rs.getString(1), rs.getString(2)};
            }
        }
    }

    /** Every row of every table of the service's schema, as text. */
    private String wholeDatabase() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = dataSource.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.containsAll(List.of("webhooks", "webhook_logs", "webhook_deliveries")), tables.toString());
            for (String table : tables) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (rs.next()) {
                        all.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
