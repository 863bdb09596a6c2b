package com.cataloghooks.common;

import com.cataloghooks.testsupport.InfraTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static com.cataloghooks.testsupport.Json.obj;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * A request that cannot get a database connection in time (every pooled connection busy) is told to come back:
 * 503 problem+json with Retry-After, never a 500. The database restarting is covered by FaultInjectionIT.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class DatabaseUnavailableTest {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
    int poolSize;

    @Test
    void noFreeConnectionInTimeIs503WithRetryAfter() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            while (held.size() < poolSize) {
                held.add(dataSource.getConnection());
            }
            given().when().get("/api/v1/products")
                    .then().statusCode(503)
                    .contentType(startsWith("application/problem+json"))
                    .header("Retry-After", "5")
                    .body("status", equalTo(503))
                    .body("type", equalTo("/problems/unavailable"));
            given().contentType(ContentType.JSON).body(obj("sku", "POOL-1", "name", "Held"))
                    .when().post("/api/v1/products")
                    .then().statusCode(503)
                    .header("Retry-After", "5");
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        given().when().get("/api/v1/products?sku=POOL-1").then().statusCode(200).body("total", equalTo(0));
    }
}
