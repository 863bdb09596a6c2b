package com.cataloghooks.resilience;

import com.cataloghooks.testsupport.RowLock;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestInfrastructure;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntFunction;

import static com.cataloghooks.testsupport.Json.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service stopped in the middle of an import (held there by a row lock the test owns): the task ends
 * as failed with a clear error, never stays "running", and the catalog holds exactly the rows its counters say.
 */
class ImportRestartIT {

    private static final int BATCH = 100;
    private static TestInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = TestInfrastructure.get();
    }

    private static Map<String, String> settings() {
        return Map.of("CATALOG_IMPORTS_BATCH_SIZE", Integer.toString(BATCH),
                "CATALOG_TASKS_HEARTBEAT_INTERVAL", "1s",
                "CATALOG_TASKS_STALE_AFTER", "3s",
                "CATALOG_DELIVERY_SHUTDOWN_GRACE", "2s");
    }

    @Test
    void aCrashMidImportLeavesTheTaskFailedOnceAnotherInstanceNoticesIt() throws Exception {
        JsonPath task = interruptImport(ServiceProcess::kill, true);
        assertTrue(task.getString("error").contains("stopped (crash or restart)"), task.getString("error"));
    }

    @Test
    void aGracefulStopMidImportEndsTheTaskAsFailedOnTheWayOut() throws Exception {
        JsonPath task = interruptImport(ServiceProcess::stop, false);
        assertTrue(task.getString("error").startsWith("the service stopped before the task finished"),
                task.getString("error"));
    }

    private static JsonPath interruptImport(ToIntFunction<ServiceProcess> halt, boolean needsAnotherInstance)
            throws Exception {
        String p = "RST-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String blocker = p + "blocker";
        StringBuilder csv = new StringBuilder("sku,name\n");
        for (int i = 0; i < 3 * BATCH; i++) {
            csv.append(i == BATCH + 5 ? blocker : p + i).append(",Row ").append(i).append('\n');
        }
        String status;
        try (ServiceProcess first = ServiceProcess.of(infra, settings()).start();
             ServiceProcess second = ServiceProcess.of(infra, settings())) {
            api(first).contentType("application/json").body(obj("sku", blocker, "name", "locked"))
                    .post("/api/v1/products?trigger_webhooks=false").then().statusCode(201);
            try (Connection lock = lock(blocker)) {
                status = api(first).contentType("text/csv; charset=UTF-8").body(csv.toString())
                        .post("/api/v1/products/imports?filename=restart.csv")
                        .then().statusCode(202).extract().path("status_url");
                // batch 1 is in; the part of batch 2 with the blocker waits (the other part may commit)
                await().atMost(Duration.ofSeconds(30)).until(() -> api(first).get(status).jsonPath(),
                        t -> t.getLong("processed_rows") >= BATCH && "running".equals(t.getString("status")));
                halt.applyAsInt(first);
                lock.rollback();
            }
            if (!needsAnotherInstance) {
                // a graceful stop ended the task on its way out: no other instance was needed for that
                assertEquals("failed", taskStatus(status.substring(status.lastIndexOf('/') + 1)));
            }
            second.start();
            JsonPath task = await().atMost(Duration.ofSeconds(30)).until(() -> api(second).get(status).jsonPath(),
                    t -> !"running".equals(t.getString("status")));
            assertEquals("failed", task.getString("status"));
            long processed = task.getLong("processed_rows");
            assertTrue(processed >= BATCH && processed < 2 * BATCH, "processed " + processed);
            assertEquals(processed, task.getLong("created"), "the blocker's update never committed");
            assertEquals(processed, countProducts(p) - 1, "exactly the committed rows (and the blocker) are there");
            return task;
        }
    }

    private static RequestSpecification api(ServiceProcess service) {
        return RestAssured.given().baseUri(service.baseUrl());
    }

    private static Connection lock(String sku) throws Exception {
        return RowLock.hold(DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password()), sku);
    }

    private static String taskStatus(String id) throws Exception {
        return single("SELECT status FROM import_tasks WHERE id = ?::uuid", id);
    }

    private static long countProducts(String prefix) throws Exception {
        return Long.parseLong(single("SELECT count(*) FROM products WHERE sku LIKE ? || '%'", prefix));
    }

    private static String single(String sql, String parameter) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.username(), infra.password());
             PreparedStatement query = c.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
