package com.cataloghooks.task;

import com.cataloghooks.testsupport.InfraTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The database, not a replica's memory, decides that a webhook has one replay at a time: requests racing on
 * separate connections (as on separate replicas, without the read that answers most of them early) get one task,
 * and the others its id.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OneReplayPerWebhookTest {

    private static final int RACERS = 6;

    @Inject
    TaskService service;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void racingReplaysOfOneWebhookMakeOneTaskAndTheOthersNameIt() throws Exception {
        String webhook = "webhook " + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        List<Future<Object>> outcomes = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < RACERS; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        return service.create(TaskKind.REPLAY, webhook, "replica-" + UUID.randomUUID());
                    } catch (UnfinishedTaskException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<UUID> created = new ArrayList<>();
            List<UUID> named = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                Object result = outcome.get(60, TimeUnit.SECONDS);
                if (result instanceof UUID id) {
                    created.add(id);
                } else {
                    named.add(((UnfinishedTaskException) result).taskId());
                }
            }
            assertEquals(1, created.size(), "one replay created: " + created);
            UUID first = created.get(0);
            keepAlive(first); // no replica confirms these rows: the reaper would end them after stale-after
            assertEquals(RACERS - 1, named.size());
            named.forEach(id -> assertEquals(first, id));

            // another webhook is not held by it; the same one is, until the replay ends
            UUID other = service.create(TaskKind.REPLAY, "webhook " + UUID.randomUUID(), "replica-x");
            service.end(other, TaskStatus.COMPLETED, null);
            UnfinishedTaskException again = assertThrows(UnfinishedTaskException.class,
                    () -> service.create(TaskKind.REPLAY, webhook, "replica-y"));
            assertEquals(first, again.taskId());
            service.end(first, TaskStatus.FAILED, "ended by the test");
            UUID next = service.create(TaskKind.REPLAY, webhook, "replica-z");
            assertNotEquals(first, next);
            service.end(next, TaskStatus.COMPLETED, null);
        } finally {
            pool.shutdownNow();
        }
    }

    private void keepAlive(UUID task) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE import_tasks SET heartbeat_at = now() + interval '1 minute' WHERE id = ?")) {
            update.setObject(1, task);
            update.executeUpdate();
        }
    }
}
