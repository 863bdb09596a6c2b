package com.cataloghooks;

import com.cataloghooks.testsupport.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class HealthAndDocsTest {

    @Test
    void readinessChecksTheDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")))
                .body("checks.name", hasItem(containsString("Kafka")));
    }

    @Test
    void servesTheApiDocumentation() {
        given().when().get("/api/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/products'", notNullValue())
                .body("paths.'/api/v1/webhooks/{id}/test'", notNullValue())
                .body("paths.'/api/v1/webhooks/{id}/logs'", notNullValue())
                // issue 11's operations, each with an example
                .body("paths.'/api/v1/webhooks'.post.requestBody.content.'application/json'.examples.size()", equalTo(2))
                .body("paths.'/api/v1/webhooks/{id}/secret/rotate'.post.requestBody.content.'application/json'.examples",
                        notNullValue())
                .body("paths.'/api/v1/webhooks/{id}/replay'.post.requestBody.content.'application/json'.examples",
                        notNullValue())
                .body("paths.'/api/v1/webhooks/{id}/deliveries'.get.parameters.find { it.name == 'status' }.example",
                        equalTo("failed"))
                .body("paths.'/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver'.post", notNullValue())
                .body("components.schemas.WebhookResponse.properties.keySet()",
                        org.hamcrest.Matchers.hasItems("breaker_state", "health", "filter", "ordered",
                                "rate_limit_per_second", "disabled_reason"))
                // Swagger UI renders the description: the way from the API reference to the console
                .body("info.description", containsString("[open the console](/)"))
                // and none of the console's own pages is part of the API's document
                .body("paths.keySet().findAll { !it.startsWith('/api/') }", org.hamcrest.Matchers.empty());
        given().when().get("/api/docs/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }
}
