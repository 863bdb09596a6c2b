package com.cataloghooks.task;

import com.cataloghooks.common.web.PageRequest;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Task rows. Apart from the insert, every write is one conditional statement: counters are added to, never
 * overwritten, and a task leaves {@code queued}/{@code running} exactly once, whoever (runner, cancel, reaper)
 * gets there first.
 */
@ApplicationScoped
class TaskRepository implements PanacheRepositoryBase<BackgroundTask, UUID> {

    private static final String UNFINISHED = "status IN ('queued', 'running')";

    List<BackgroundTask> recent(TaskKind kind, PageRequest page) {
        return find("kind = ?1", Sort.by("createdAt", Sort.Direction.Descending).and("id", Sort.Direction.Descending),
                kind.wireName()).range(page.offset(), page.offset() + page.limit() - 1).list();
    }

    long countOf(TaskKind kind) {
        return count("kind = ?1", kind.wireName());
    }

    /**
     * Inserts a queued replay unless one with the same filename (the same webhook) is unfinished; false then. The
     * partial unique index {@code import_tasks_replay_unfinished_uq} decides, whichever replica asks: an insert of
     * another transaction that is not yet committed is waited for.
     */
    boolean insertReplay(UUID id, String filename, String owner) {
        return getEntityManager().createNativeQuery("INSERT INTO import_tasks (id, kind, status, filename, owner,"
                        + " heartbeat_at, created_at) VALUES (:id, 'replay', 'queued', :filename, :owner,"
                        + " statement_timestamp(), statement_timestamp())"
                        + " ON CONFLICT (filename) WHERE kind = 'replay' AND " + UNFINISHED + " DO NOTHING")
                .setParameter("id", id)
                .setParameter("filename", filename)
                .setParameter("owner", owner)
                .executeUpdate() == 1;
    }

    /** The unfinished replay with this filename (there is at most one), if any. */
    @SuppressWarnings("unchecked")
    Optional<UUID> unfinishedReplay(String filename) {
        List<UUID> ids = getEntityManager().createNativeQuery("SELECT id FROM import_tasks"
                        + " WHERE kind = 'replay' AND filename = :filename AND " + UNFINISHED, UUID.class)
                .setParameter("filename", filename)
                .getResultList();
        return ids.stream().findFirst();
    }

    /** queued → running; false when the task was cancelled (or ended) meanwhile. */
    boolean start(UUID id) {
        return getEntityManager().createNativeQuery("UPDATE import_tasks SET status = 'running',"
                        + " started_at = statement_timestamp(), heartbeat_at = statement_timestamp()"
                        + " WHERE id = :id AND status = 'queued'")
                .setParameter("id", id).executeUpdate() == 1;
    }

    /** Records the row count of a running task; false when the task has ended meanwhile. */
    boolean counted(UUID id, long totalRows) {
        return getEntityManager().createNativeQuery("UPDATE import_tasks SET total_rows = :total"
                        + " WHERE id = :id AND status = 'running'")
                .setParameter("total", totalRows).setParameter("id", id).executeUpdate() == 1;
    }

    /**
     * Adds a step's counts to a running task. Answers whether a cancel was requested meanwhile, or null when the
     * task has ended meanwhile (cancelled while queued, ended by shutdown or by the reaper): the step must not
     * commit then.
     */
    Boolean advance(UUID id, ProgressStep step, String samplesJson) {
        List<?> cancel = getEntityManager().createNativeQuery("UPDATE import_tasks SET"
                        + " processed_rows = processed_rows + :processed, created = created + :created,"
                        + " updated = updated + :updated, deleted = deleted + :deleted, errors = errors + :errors,"
                        + " error_samples = error_samples || CAST(:samples AS jsonb),"
                        + " heartbeat_at = statement_timestamp()"
                        + " WHERE id = :id AND status = 'running' RETURNING cancel_requested")
                .setParameter("processed", step.processed())
                .setParameter("created", step.created())
                .setParameter("updated", step.updated())
                .setParameter("deleted", step.deleted())
                .setParameter("errors", step.errors())
                .setParameter("samples", samplesJson)
                .setParameter("id", id)
                .getResultList();
        return cancel.isEmpty() ? null : Boolean.TRUE.equals(cancel.get(0));
    }

    /**
     * Ends an unfinished task; false when it had already ended. {@code finished_at} is the database's time, like
     * every other time on the row.
     */
    boolean finish(UUID id, TaskStatus status, String error) {
        return finish(id, status, error, UNFINISHED);
    }

    /** Ends a task that has not started yet; false when it has started or ended meanwhile. */
    boolean finishQueued(UUID id, TaskStatus status, String error) {
        return finish(id, status, error, "status = 'queued'");
    }

    private boolean finish(UUID id, TaskStatus status, String error, String condition) {
        return getEntityManager().createNativeQuery("UPDATE import_tasks SET status = :status, error = :error,"
                        + " finished_at = statement_timestamp() WHERE id = :id AND " + condition)
                .setParameter("status", status.wireName())
                .setParameter("error", error)
                .setParameter("id", id)
                .executeUpdate() == 1;
    }

    /** Flags a cancel for the runner (wherever it runs); true when the task was still unfinished. */
    boolean requestCancel(UUID id) {
        return getEntityManager().createNativeQuery("UPDATE import_tasks SET cancel_requested = true"
                        + " WHERE id = :id AND " + UNFINISHED)
                .setParameter("id", id).executeUpdate() == 1;
    }

    int heartbeat(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return getEntityManager().createNativeQuery("UPDATE import_tasks SET heartbeat_at = statement_timestamp()"
                        + " WHERE id = ANY(CAST(:ids AS uuid[])) AND " + UNFINISHED)
                .setParameter("ids", ids.stream().map(UUID::toString).toArray(String[]::new))
                .executeUpdate();
    }

    /** Unfinished tasks nobody has confirmed for {@code silence}, locked so that one replica ends each. */
    @SuppressWarnings("unchecked")
    List<UUID> abandoned(Duration silence, int limit) {
        return getEntityManager().createNativeQuery("SELECT id FROM import_tasks WHERE " + UNFINISHED
                        + " AND heartbeat_at < statement_timestamp() - make_interval(secs => :seconds)"
                        + " ORDER BY heartbeat_at LIMIT :limit FOR UPDATE SKIP LOCKED", UUID.class)
                .setParameter("seconds", silence.toMillis() / 1000.0)
                .setParameter("limit", limit)
                .getResultList();
    }
}
