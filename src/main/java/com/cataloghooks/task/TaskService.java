package com.cataloghooks.task;

import com.cataloghooks.common.error.BusyException;
import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.time.DatabaseClock;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.outbox.OutboxWriter;
import com.cataloghooks.task.api.RowError;
import com.cataloghooks.task.api.TaskResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Task rows and their transitions. Each transition of an import commits together with its {@code import.*}
 * event (outbox), so webhooks hear of exactly the transitions that happened.
 */
@ApplicationScoped
public class TaskService {

    private final TaskRepository repository;
    private final OutboxWriter outbox;
    private final DatabaseClock clock;
    private final ObjectMapper mapper;

    public TaskService(TaskRepository repository, OutboxWriter outbox, DatabaseClock clock, ObjectMapper mapper) {
        this.repository = repository;
        this.outbox = outbox;
        this.clock = clock;
        this.mapper = mapper;
    }

    @Transactional
    public TaskResponse get(TaskKind kind, UUID id) {
        return toResponse(find(kind, id));
    }

    @Transactional
    public Page<TaskResponse> list(TaskKind kind, PageRequest page) {
        List<TaskResponse> items = repository.recent(kind, page).stream().map(this::toResponse).toList();
        return Page.of(items, repository.countOf(kind), page);
    }

    /**
     * Asks the task to stop. A queued task ends at once; a running one stops at its next step (rows already
     * committed stay).
     */
    @Transactional
    public TaskResponse cancel(TaskKind kind, UUID id) {
        BackgroundTask task = find(kind, id);
        if (task.getStatus().finished()) {
            throw new ConflictException("status", "the task has already ended (" + task.getStatus().wireName() + ")");
        }
        repository.requestCancel(id);
        // a queued task ends here, unless its runner has just started it: then the runner stops at its next step
        if (task.getStatus() == TaskStatus.QUEUED && repository.finishQueued(id, TaskStatus.CANCELLED, CANCELLED_MESSAGE)) {
            announceEnd(id, TaskStatus.CANCELLED, CANCELLED_MESSAGE);
        }
        repository.getEntityManager().clear();
        return toResponse(find(kind, id));
    }

    static final String CANCELLED_MESSAGE = "cancelled on request; rows already written stay";

    /**
     * Refuses a replay of a webhook (its filename) that has one queued or running: a read, so that the request is
     * told so before anything else; {@link #create} decides.
     *
     * @throws UnfinishedTaskException naming the unfinished replay
     */
    @Transactional
    void refuseIfUnfinished(TaskKind kind, String filename) {
        if (kind == TaskKind.REPLAY) {
            repository.unfinishedReplay(filename).ifPresent(id -> {
                throw new UnfinishedTaskException(kind, id, filename);
            });
        }
    }

    /**
     * Records a queued task. A replay is recorded only while no other replay of its webhook (its filename) is
     * unfinished: the database decides, so two replicas cannot both start one.
     *
     * @throws UnfinishedTaskException naming the unfinished replay
     */
    @Transactional
    UUID create(TaskKind kind, String filename, String owner) {
        if (kind == TaskKind.REPLAY) {
            for (int attempt = 0; attempt < 3; attempt++) {
                UUID id = UUID.randomUUID();
                if (repository.insertReplay(id, filename, owner)) {
                    return id;
                }
                Optional<UUID> unfinished = repository.unfinishedReplay(filename);
                if (unfinished.isPresent()) {
                    throw new UnfinishedTaskException(kind, unfinished.get(), filename);
                }
                // the one in the way ended between the two statements: try again
            }
            throw new BusyException("replays of " + filename + " start and end too fast to start another; try again");
        }
        BackgroundTask task = new BackgroundTask(UUID.randomUUID(), kind, filename, owner, clock.now());
        repository.persist(task);
        return task.getId();
    }

    @Transactional
    boolean start(UUID id) {
        return repository.start(id);
    }

    /**
     * The input was counted: the task is announced ({@code import.started}); false when it has ended meanwhile
     * (then nothing is announced).
     */
    @Transactional
    boolean announce(UUID id, long totalRows) {
        if (!repository.counted(id, totalRows)) {
            return false;
        }
        BackgroundTask task = repository.findById(id);
        TaskKind kind = task.getKind();
        if (kind.startedEvent() != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("task_id", id.toString());
            data.put("filename", task.getFilename());
            data.put("total_rows", totalRows);
            outbox.record(kind.startedEvent(), id.toString(), data);
        }
        return true;
    }

    /** See {@link TaskRepository#advance}: null when the task has ended, and the step must roll back. */
    @Transactional(Transactional.TxType.MANDATORY)
    Boolean advance(UUID id, ProgressStep step, List<RowError> samples) {
        try {
            return repository.advance(id, step, mapper.writeValueAsString(samples));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("row errors cannot be written as JSON", e);
        }
    }

    /** Ends the task unless it already ended, with its final event; false when it had already ended. */
    @Transactional
    boolean end(UUID id, TaskStatus status, String error) {
        if (!repository.finish(id, status, error)) {
            return false;
        }
        announceEnd(id, status, error);
        return true;
    }

    /** The final event of a task that has just ended ({@code import.completed} or {@code import.failed}). */
    private void announceEnd(UUID id, TaskStatus status, String error) {
        BackgroundTask task = repository.findById(id);
        repository.getEntityManager().refresh(task);
        TaskKind kind = task.getKind();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", id.toString());
        if (status == TaskStatus.COMPLETED && kind.completedEvent() != null) {
            data.put("created", task.getCreated());
            data.put("updated", task.getUpdated());
            data.put("errors", task.getErrors());
            outbox.record(kind.completedEvent(), id.toString(), data);
        } else if (status != TaskStatus.COMPLETED && kind.failedEvent() != null) {
            data.put("error", error);
            outbox.record(kind.failedEvent(), id.toString(), data);
        }
    }

    @Transactional
    int heartbeat(java.util.Collection<UUID> ids) {
        return repository.heartbeat(ids);
    }

    /** Ends, as failed, the unfinished tasks whose replica stopped confirming them; returns how many. */
    @Transactional
    int failAbandoned(java.time.Duration silence, String error) {
        List<UUID> ids = repository.abandoned(silence, 100);
        ids.forEach(id -> end(id, TaskStatus.FAILED, error));
        return ids.size();
    }

    private BackgroundTask find(TaskKind kind, UUID id) {
        return repository.findByIdOptional(id).filter(t -> t.getKind() == kind)
                .orElseThrow(() -> new NotFoundException(kind == TaskKind.IMPORT ? "import" : "deletion", id.toString()));
    }

    TaskResponse toResponse(BackgroundTask t) {
        List<RowError> samples = t.getErrorSamples().stream()
                .map(s -> new RowError(((Number) s.get("row")).longValue(), (String) s.get("column"),
                        (String) s.get("message")))
                .toList();
        return new TaskResponse(t.getId(), t.getKind().wireName(), t.getStatus().wireName(), t.getFilename(),
                t.getTotalRows(), t.getProcessedRows(), t.getCreated(), t.getUpdated(), t.getDeleted(),
                t.getErrors(), samples, t.getError(), t.isCancelRequested(), t.getCreatedAt(), t.getStartedAt(),
                t.getFinishedAt());
    }
}
