package com.cataloghooks.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the integration tests of packaged replicas share: the real PostgreSQL and Kafka broker they start replicas
 * against, and one real HTTP receiver for the whole class.
 */
public abstract class PackagedReceiverTest {

    protected static TestInfrastructure infra;
    protected static TestReceiver receiver;

    @BeforeAll
    static void startInfrastructureAndReceiver() {
        infra = TestInfrastructure.get();
        receiver = TestReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }
}
