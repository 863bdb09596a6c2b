package com.cataloghooks.openapi;

import com.cataloghooks.testsupport.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The OpenAPI document the service serves is the committed snapshot, byte for byte. Redocly lints the snapshot
 * (scripts/lint-openapi) and the Java client of {@code OpenApiClientTest} is generated from it before the tests
 * compile, so a change to the API that does not update it fails here. Regenerate it with
 * {@code scripts/openapi-snapshot} and review the diff.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OpenApiSnapshotTest {

    /** Relative to the project directory, where Maven runs the tests. */
    static final Path SNAPSHOT = Path.of("src/test/resources/openapi/catalog-hooks.yaml");

    @Test
    void theServedDocumentIsTheCommittedSnapshot() throws IOException {
        String served = given().noFilters().accept("application/yaml").when().get("/api/openapi")
                .then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.snapshot.write")) {
            Files.writeString(SNAPSHOT, served, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(SNAPSHOT, StandardCharsets.UTF_8), served,
                "/api/openapi differs from " + SNAPSHOT + ": run scripts/openapi-snapshot and review the diff");
    }
}
