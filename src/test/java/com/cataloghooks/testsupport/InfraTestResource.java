package com.cataloghooks.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM-wide PostgreSQL and Kafka of {@link TestInfrastructure}:
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(InfraTestResource.class)
 * class ProductResourceTest { ... }
 * }</pre>
 * Quarkus starts and stops test resources with each application it boots; the servers outlive those cycles and
 * are stopped by the JVM's shutdown hook, so {@link #stop()} does nothing.
 */
public class InfraTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestInfrastructure infra = TestInfrastructure.get();
        TestAuth.install();
        return Map.of(
                "quarkus.datasource.jdbc.url", infra.jdbcUrl(),
                "quarkus.datasource.username", infra.username(),
                "quarkus.datasource.password", infra.password(),
                "kafka.bootstrap.servers", infra.bootstrapServers());
    }

    @Override
    public void stop() {
        // The servers are shared by every test application of this JVM; TestInfrastructure stops them at exit.
    }
}
