package com.cataloghooks.delivery;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.task.ProgressStep;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskProgress;
import com.cataloghooks.task.TaskRunner;
import com.cataloghooks.task.TaskWork;
import com.cataloghooks.task.UnfinishedTaskException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Sends a window of a webhook's history again, as a background task: its finished deliveries with the chosen
 * statuses go back to pending with fresh attempts (each keeps its event id, the {@code webhook-id} receivers
 * deduplicate by), then the events of the window it never got (it was inactive, or not yet created) are planned
 * for it, through its payload filter, from the outbox (kept for {@code catalog.retention.max-age}). A batch per
 * transaction ({@code catalog.tasks.replay-batch-size}), each a keyset range of an index; the dispatcher is nudged
 * after each. One replay per webhook at a time, across replicas (the database decides).
 */
@ApplicationScoped
public class Replay {

    /** What to replay: {@code statuses} of finished deliveries, and whether missed events go too. */
    public record Window(UUID webhookId, Instant since, Instant until, List<String> statuses, boolean missed) {
    }

    /** How much a replay covers, counted once, when it is asked for. */
    public record Scope(long deliveries, long missedEvents) {
    }

    /** A replay queued: its task, and what it covers. */
    public record Started(UUID taskId, Scope scope) {
    }

    private final TaskRunner runner;
    private final DeliveryStore store;
    private final DeliveryPlanner planner;
    private final Dispatcher dispatcher;
    private final ObjectMapper mapper;
    private final int batch;

    public Replay(TaskRunner runner, DeliveryStore store, DeliveryPlanner planner, Dispatcher dispatcher,
                  ObjectMapper mapper, CatalogConfig config) {
        this.runner = runner;
        this.store = store;
        this.planner = planner;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
        this.batch = config.tasks().replayBatchSize();
    }

    /**
     * Queues the replay, unless one of the same webhook is queued or running on any replica: then 409, naming it.
     * The webhook is taken first, then the window counted (once: the task's total is this count).
     */
    public Started start(Window window) {
        Work work = new Work(window);
        try {
            UUID task = runner.submit(TaskKind.REPLAY, label(window.webhookId()), work);
            return new Started(task, work.scope);
        } catch (UnfinishedTaskException e) {
            throw new ConflictException("replay", "replay " + e.taskId() + " of this webhook is still queued or"
                    + " running, and a webhook is replayed once at a time: follow it at "
                    + statusUrl(window.webhookId(), e.taskId()) + ", and ask again once it has ended");
        }
    }

    /** What a replay task shows in its {@code filename}: the webhook it replays, so it is found under no other. */
    public static String label(UUID webhookId) {
        return "webhook " + webhookId;
    }

    /** Where a replay's progress is read. */
    public static String statusUrl(UUID webhookId, UUID taskId) {
        return "/api/v1/webhooks/" + webhookId + "/replays/" + taskId;
    }

    /**
     * The step's own writes are committed by then (the delivery side writes on plain JDBC): a crash between the two
     * makes the progress show less than was done, never more. Re-queuing twice would cost a duplicate at most.
     */
    private static void record(TaskProgress progress, ProgressStep step) {
        QuarkusTransaction.requiringNew().run(() -> progress.record(step));
    }

    private final class Work implements TaskWork {

        private final Window window;
        private Scope scope; // set by prepare(), before the task is handed to the pool

        Work(Window window) {
            this.window = window;
        }

        @Override
        public void prepare() {
            scope = new Scope(window.statuses().isEmpty() ? 0
                    : store.countFinished(window.webhookId(), window.statuses(), window.since(), window.until()),
                    window.missed() ? store.countMissed(window.webhookId(), window.since(), window.until()) : 0);
        }

        @Override
        public long count() {
            return scope.deliveries() + scope.missedEvents();
        }

        @Override
        public void run(TaskProgress progress) {
            DeliveryStore.Position after = DeliveryStore.Position.start(window.since());
            while (!window.statuses().isEmpty()) {
                progress.checkpoint();
                List<DeliveryStore.Position> requeued = store.requeueBatch(window.webhookId(), window.statuses(),
                        window.since(), window.until(), after, batch);
                if (requeued.isEmpty()) {
                    break;
                }
                after = requeued.get(requeued.size() - 1);
                record(progress, ProgressStep.replayed(requeued.size(), 0));
                dispatcher.nudge();
            }
            after = DeliveryStore.Position.start(window.since());
            while (window.missed()) {
                progress.checkpoint();
                List<DeliveryStore.MissedEvent> missed = store.missedBatch(window.webhookId(), window.since(),
                        window.until(), after, batch);
                if (missed.isEmpty()) {
                    break;
                }
                after = missed.get(missed.size() - 1).position();
                List<EventMessage> events = new ArrayList<>(missed.size());
                for (DeliveryStore.MissedEvent event : missed) {
                    events.add(EventMessage.parse(mapper, event.payload(), event.seq()));
                }
                record(progress, ProgressStep.replayed(0, planner.planFor(events, window.webhookId())));
                dispatcher.nudge();
            }
        }
    }
}
