package com.cataloghooks.task;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.task.api.TaskResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A task's progress as Server-Sent Events: the task's state now, then every
 * {@code catalog.tasks.progress-interval} as event {@code progress}, and a last event named after the final status
 * ({@code completed}, {@code failed} or {@code cancelled}) before the stream ends. The state is read from the
 * database, so any replica can serve the stream of a task running on another.
 */
@ApplicationScoped
public class TaskEvents {

    private static final Logger LOG = Logger.getLogger(TaskEvents.class);

    private final TaskService service;
    private final ObjectMapper mapper;
    private final long intervalMillis;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "task-progress-ticks");
        thread.setDaemon(true);
        return thread;
    });

    public TaskEvents(TaskService service, ObjectMapper mapper, CatalogConfig config) {
        this.service = service;
        this.mapper = mapper;
        this.intervalMillis = Math.max(50, Math.min(1000, config.tasks().progressInterval().toMillis()));
    }

    /** Checks that the task exists (404 otherwise) before the stream begins, then streams it. */
    public Multi<OutboundSseEvent> stream(TaskKind kind, UUID id, Sse sse) {
        return stream(kind, id, sse, this::json);
    }

    /**
     * The same stream (same events, names and timing), each state written by {@code render} instead of as JSON:
     * the console sends HTML fragments. {@code render} runs on a worker thread, outside any request scope.
     */
    public Multi<OutboundSseEvent> stream(TaskKind kind, UUID id, Sse sse, Function<TaskResponse, String> render) {
        TaskResponse first = service.get(kind, id);
        return Multi.createFrom().emitter(emitter -> {
            Stream stream = new Stream(emitter, sse, kind, id, render);
            if (stream.send(first)) {
                return;
            }
            ScheduledFuture<?> schedule = ticks.scheduleAtFixedRate(stream::tick, intervalMillis, intervalMillis,
                    TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> {
                stream.done.set(true);
                schedule.cancel(false);
            });
        });
    }

    /** One client's stream: reads at most once at a time, sends nothing after its final event. */
    private final class Stream {
        private final MultiEmitter<? super OutboundSseEvent> emitter;
        private final Sse sse;
        private final TaskKind kind;
        private final UUID id;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean reading = new AtomicBoolean();
        private final Function<TaskResponse, String> render;

        Stream(MultiEmitter<? super OutboundSseEvent> emitter, Sse sse, TaskKind kind, UUID id,
               Function<TaskResponse, String> render) {
            this.render = render;
            this.emitter = emitter;
            this.sse = sse;
            this.kind = kind;
            this.id = id;
        }

        /** Runs on the tick thread: must never throw, or the schedule would stop for good. */
        void tick() {
            if (done.get() || !reading.compareAndSet(false, true)) {
                return;
            }
            try {
                Infrastructure.getDefaultWorkerPool().execute(() -> {
                    try {
                        send(service.get(kind, id));
                    } catch (RuntimeException e) {
                        // a database hiccup costs one tick; the client keeps its stream
                        LOG.debugf("progress of task %s not read: %s", id, e.getMessage());
                    } finally {
                        reading.set(false);
                    }
                });
            } catch (RuntimeException e) {
                reading.set(false); // the worker pool refused (shutting down): try again next tick
            }
        }

        /** Sends the state; completes the stream (and answers true) when it is final. */
        synchronized boolean send(TaskResponse task) {
            if (done.get()) {
                return true;
            }
            boolean last = TaskStatus.fromWire(task.status()).finished();
            emitter.emit(sse.newEventBuilder()
                    .name(last ? task.status() : "progress")
                    .mediaType(MediaType.TEXT_PLAIN_TYPE) // the data is written here, sent as is
                    .data(String.class, render.apply(task))
                    .build());
            if (last) {
                done.set(true);
                emitter.complete();
            }
            return last;
        }
    }

    @PreDestroy
    void stop() {
        ticks.shutdownNow();
    }

    private String json(TaskResponse task) {
        try {
            return mapper.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task state cannot be written as JSON", e);
        }
    }
}
