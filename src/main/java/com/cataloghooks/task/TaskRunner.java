package com.cataloghooks.task;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.error.BusyException;
import com.cataloghooks.common.runtime.ReplicaName;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs background tasks on a small pool of its own, never on request threads. While a task is queued or running
 * here, this replica confirms it in the database every {@code catalog.tasks.heartbeat-interval}; a task nobody
 * confirms for {@code catalog.tasks.stale-after} (its replica crashed) is ended as failed by any replica. On
 * shutdown, running tasks stop before their next step and every unfinished one is ended as failed; a step still
 * under way after {@code catalog.tasks.shutdown-grace} then rolls back, since a task that has ended takes no
 * more steps.
 */
@ApplicationScoped
public class TaskRunner {

    private static final Logger LOG = Logger.getLogger(TaskRunner.class);

    static final String STOPPED = "the service stopped before the task finished; rows already written stay";
    static final String ABANDONED = "the service instance running the task stopped (crash or restart) before"
            + " it finished; rows already written stay";
    private static final String UNEXPECTED = "the task stopped on an unexpected error; the service log has details";
    private static final String NOT_PREPARED = "the task could not be prepared; its request was answered with the"
            + " error";

    private final TaskService service;
    private final CatalogConfig config;
    private final String owner = ReplicaName.get();
    private final Set<UUID> mine = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private volatile boolean stopping;

    public TaskRunner(TaskService service, CatalogConfig config) {
        this.service = service;
        this.config = config;
        AtomicInteger threads = new AtomicInteger();
        int size = config.tasks().concurrency();
        this.pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "task-runner-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Records a queued task, {@linkplain TaskWork#prepare prepares} its work and hands it to the pool.
     *
     * @param filename shown on the task and in its events; may be null; for a replay, names its webhook
     * @return the task id
     * @throws UnfinishedTaskException for a replay, when one of the same webhook is unfinished (on any replica)
     */
    public UUID submit(TaskKind kind, String filename, TaskWork work) {
        service.refuseIfUnfinished(kind, filename); // before the room: the webhook's replay is the lasting answer
        ensureRoom();
        UUID id = service.create(kind, filename, owner);
        mine.add(id);
        try {
            work.prepare();
        } catch (RuntimeException e) {
            finish(id, TaskStatus.FAILED, NOT_PREPARED, work);
            throw e;
        }
        try {
            pool.execute(() -> run(id, work));
        } catch (RejectedExecutionException e) {
            finish(id, TaskStatus.FAILED, STOPPED, work);
        }
        return id;
    }

    /**
     * Refuses (503) a new task when this replica already has {@code concurrency + max-queued} unfinished ones:
     * queued work holds disk (uploads) and would only wait longer.
     */
    public void ensureRoom() {
        if (mine.size() >= config.tasks().concurrency() + config.tasks().maxQueued()) {
            throw new BusyException("this instance has " + mine.size() + " imports, bulk deletes or replays"
                    + " unfinished; try again once some have ended");
        }
    }

    private void run(UUID id, TaskWork work) {
        try {
            if (stopping) {
                throw new TaskInterruptedException(false);
            }
            if (!service.start(id)) {
                finish(id, null, null, work);
                return;
            }
            long total = work.count();
            if (!service.announce(id, total)) {
                finish(id, null, null, work); // ended meanwhile (cancelled, or the service is stopping)
                return;
            }
            TaskProgress progress = new TaskProgress(id, service, () -> stopping, config.imports().errorSamples());
            work.run(progress);
            finish(id, TaskStatus.COMPLETED, null, work);
        } catch (TaskInterruptedException e) {
            finish(id, e.cancelled() ? TaskStatus.CANCELLED : TaskStatus.FAILED,
                    e.cancelled() ? TaskService.CANCELLED_MESSAGE : STOPPED, work);
        } catch (TaskFailedException e) {
            finish(id, TaskStatus.FAILED, e.getMessage(), work);
        } catch (Exception | Error e) {
            LOG.errorf(e, "task %s failed", id);
            finish(id, TaskStatus.FAILED, UNEXPECTED, work);
        }
    }

    /**
     * Records the outcome and lets go of the task. If the outcome cannot be recorded (database down), the task
     * is no longer confirmed by this replica, so the reaper ends it as failed once the database is back.
     */
    private void finish(UUID id, TaskStatus status, String error, TaskWork work) {
        try {
            if (status != null) {
                service.end(id, status, error);
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not record the end of task %s (%s): %s", id, status, e.getMessage());
        } finally {
            mine.remove(id);
            try {
                work.close();
            } catch (RuntimeException e) {
                LOG.warnf("could not release the input of task %s: %s", id, e.getMessage());
            }
        }
    }

    @Scheduled(every = "${catalog.tasks.heartbeat-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void heartbeat() {
        try {
            service.heartbeat(List.copyOf(mine));
            int ended = service.failAbandoned(config.tasks().staleAfter(), ABANDONED);
            if (ended > 0) {
                LOG.warnf("ended %d task(s) abandoned by a stopped replica", ended);
            }
        } catch (RuntimeException e) {
            LOG.warnf("task heartbeat failed, will try again: %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(config.tasks().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("tasks still running at shutdown; they will be ended by another replica");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (UUID id : List.copyOf(mine)) {
            try {
                service.end(id, TaskStatus.FAILED, STOPPED);
            } catch (RuntimeException e) {
                LOG.warnf("could not end task %s at shutdown: %s", id, e.getMessage());
            }
        }
    }
}
