package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar, configured by environment variables only, with Kafka pointed at a port where nothing listens:
 * it starts, is alive, says quickly that it is not ready, and still serves its API documentation. Without a way to
 * call its API, or without a key for secrets at rest, it refuses to start and says what to set.
 */
class PackagedServiceIT {

    private static ServiceProcess service;

    @BeforeAll
    static void startWithoutKafka() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort);
        service = ServiceProcess.of(TestInfrastructure.get(), env).startAlive();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void isAliveButNotReadyWithoutKafka() {
        RestAssured.given().baseUri(service.baseUrl()).get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Kafka connection health check' }.status", equalTo("DOWN"))
                .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"));
        RestAssured.given().baseUri(service.baseUrl()).get("/q/health/live").then().statusCode(200);
    }

    @Test
    void servesSwaggerUiAndOpenApi() {
        RestAssured.given().baseUri(service.baseUrl()).get("/api/docs/").then()
                .statusCode(200).body(containsString("swagger"));
        RestAssured.given().baseUri(service.baseUrl()).get("/api/openapi").then()
                .statusCode(200).body(containsString("/api/v1/webhooks/{id}/test"));
    }

    @Test
    void refusesToStartWhenNoOneCouldCallTheApi() throws IOException {
        try (ServiceProcess locked = ServiceProcess.of(TestInfrastructure.get(), Map.of("CATALOG_SECURITY_API_KEYS", ""))) {
            assertNotEquals(0, locked.startExpectingExit());
            String log = Files.readString(locked.log());
            assertTrue(log.contains("No way to call the API is configured: set CATALOG_SECURITY_API_KEYS"), log);
            assertTrue(log.contains("MP_JWT_VERIFY_ISSUER"), log);
        }
    }

    @Test
    void refusesToStartWithoutAKeyForSecretsAtRest() throws IOException {
        try (ServiceProcess locked = ServiceProcess.of(TestInfrastructure.get(),
                Map.of("CATALOG_SECURITY_ENCRYPTION_KEYS", ""))) {
            assertNotEquals(0, locked.startExpectingExit());
            String log = Files.readString(locked.log());
            assertTrue(log.contains("CATALOG_SECURITY_ENCRYPTION_KEYS) is required"), log);
        }
    }
}
