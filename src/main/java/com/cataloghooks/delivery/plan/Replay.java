package com.cataloghooks.delivery.plan;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.delivery.state.Position;
import com.cataloghooks.task.ProgressStep;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskProgress;
import com.cataloghooks.task.TaskRunner;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.TaskWork;
import com.cataloghooks.task.UnfinishedTaskException;
import com.cataloghooks.task.api.TaskResponse;
import com.cataloghooks.webhook.WebhookService;
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
 * after each (the transitions and the planner signal the claimer). One replay per webhook at a time, across replicas (the database decides).
 */
@ApplicationScoped
public class Replay {

    /** The {@code status} values a replay request may name: {@code all} is succeeded and failed. */
    public static final List<String> REPLAYABLE = List.of("failed", "succeeded", "all");

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
    private final DeliveryTransitions transitions;
    private final PlanStore store;
    private final DeliveryPlanner planner;
    private final ObjectMapper mapper;
    private final WebhookService webhooks;
    private final TaskService tasks;
    private final int batch;

    public Replay(TaskRunner runner, DeliveryTransitions transitions, PlanStore store, DeliveryPlanner planner,
                  ObjectMapper mapper, WebhookService webhooks, TaskService tasks, CatalogConfig config) {
        this.runner = runner;
        this.webhooks = webhooks;
        this.tasks = tasks;
        this.transitions = transitions;
        this.store = store;
        this.planner = planner;
        this.mapper = mapper;
        this.batch = config.tasks().replayBatchSize();
    }

    /**
     * A replay as a client asks for it (the API's body, the console's form), checked and defaulted, then
     * {@link #start(Window) started}: the webhook must be active (409 {@code is_active}); {@code since} is required
     * (400 {@code since}); {@code status} is failed (the default, when null), succeeded or all (400 {@code status});
     * {@code until} defaults to now and must be after since (400 {@code until}); missed events go too unless
     * {@code includeMissed} is false. The one place these rules live.
     */
    public Started start(UUID webhookId, Instant since, Instant until, String status, Boolean includeMissed) {
        webhooks.requireActive(webhookId);
        if (since == null) {
            throw new InvalidInputException("since", "must not be null");
        }
        String which = status == null ? "failed" : status;
        if (!REPLAYABLE.contains(which)) {
            throw new InvalidInputException("status", "must be one of " + REPLAYABLE);
        }
        Instant to = until == null ? Instant.now() : until;
        if (!to.isAfter(since)) {
            throw new InvalidInputException("until", "must be after since");
        }
        return start(new Window(webhookId, since, to,
                which.equals("all") ? List.of("succeeded", "failed") : List.of(which),
                includeMissed == null || includeMissed));
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

    /**
     * A replay of the webhook, with its progress: 404 when there is no such webhook, and 404 {@code replay} when
     * {@code taskId} (as the client gave it; named so in the answer) is not a replay task of this webhook.
     */
    public TaskResponse progress(UUID webhookId, String taskId) {
        webhooks.requireExists(webhookId);
        TaskResponse task = tasks.get(TaskKind.REPLAY, QueryParams.pathId("replay", taskId));
        if (!label(webhookId).equals(task.filename())) {
            throw new NotFoundException("replay", taskId); // another webhook's
        }
        return task;
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
                    : transitions.countFinished(window.webhookId(), window.statuses(), window.since(), window.until()),
                    window.missed() ? store.countMissed(window.webhookId(), window.since(), window.until()) : 0);
        }

        @Override
        public long count() {
            return scope.deliveries() + scope.missedEvents();
        }

        @Override
        public void run(TaskProgress progress) {
            Position after = Position.start(window.since());
            while (!window.statuses().isEmpty()) {
                progress.checkpoint();
                List<Position> requeued = transitions.requeueFinished(window.webhookId(), window.statuses(),
                        window.since(), window.until(), after, batch);
                if (requeued.isEmpty()) {
                    break;
                }
                after = requeued.get(requeued.size() - 1);
                record(progress, ProgressStep.replayed(requeued.size(), 0));
            }
            after = Position.start(window.since());
            while (window.missed()) {
                progress.checkpoint();
                List<PlanStore.MissedEvent> missed = store.missedBatch(window.webhookId(), window.since(),
                        window.until(), after, batch);
                if (missed.isEmpty()) {
                    break;
                }
                after = missed.get(missed.size() - 1).position();
                List<EventMessage> events = new ArrayList<>(missed.size());
                for (PlanStore.MissedEvent event : missed) {
                    events.add(EventMessage.parse(mapper, event.payload(), event.seq()));
                }
                record(progress, ProgressStep.replayed(0, planner.planFor(events, window.webhookId())));
            }
        }
    }
}
