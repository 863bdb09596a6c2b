package com.cataloghooks.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.UUID;

/**
 * Base of tests that watch deliveries arrive: one real HTTP receiver per test class, and the webhooks each test
 * creates through {@link #api} removed after it, so no other test's events reach this class's receiver.
 */
public abstract class ReceiverTest {

    protected static TestReceiver receiver;
    protected final WebhookApi api = new WebhookApi();

    @BeforeAll
    static void startReceiver() {
        receiver = TestReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @AfterEach
    void removeWebhooks() {
        api.deleteAll();
    }

    /** A receiver path of its own for one test. */
    protected static String path() {
        return "/hook-" + UUID.randomUUID();
    }
}
