package com.cataloghooks.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A background change set on the catalog (an import or a bulk delete) and its progress. Created here; every later
 * change is a single conditional statement in {@link TaskRepository}, so that replicas and the runner never
 * overwrite each other's counters.
 */
@Entity
@Table(name = "import_tasks")
public class BackgroundTask {

    @Id
    private UUID id;

    @Column(nullable = false, length = 16)
    private String kind;

    @Column(nullable = false, length = 16)
    private String status;

    private String filename;

    @Column(name = "total_rows")
    private Long totalRows;

    @Column(name = "processed_rows", nullable = false)
    private long processedRows;

    @Column(nullable = false)
    private long created;

    @Column(nullable = false)
    private long updated;

    @Column(nullable = false)
    private long deleted;

    @Column(nullable = false)
    private long errors;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "error_samples", nullable = false, insertable = false, updatable = false, columnDefinition = "jsonb")
    private List<Map<String, Object>> errorSamples;

    @Column(columnDefinition = "text")
    private String error;

    @Column(name = "cancel_requested", nullable = false)
    private boolean cancelRequested;

    @Column(nullable = false, length = 64)
    private String owner;

    @Column(name = "heartbeat_at", nullable = false)
    private Instant heartbeatAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected BackgroundTask() {
    }

    BackgroundTask(UUID id, TaskKind kind, String filename, String owner, Instant now) {
        this.id = id;
        this.kind = kind.wireName();
        this.status = TaskStatus.QUEUED.wireName();
        this.filename = filename;
        this.owner = owner;
        this.heartbeatAt = now;
        this.createdAt = now;
    }

    public UUID getId() {
        return id;
    }

    public TaskKind getKind() {
        return TaskKind.fromWire(kind);
    }

    public TaskStatus getStatus() {
        return TaskStatus.fromWire(status);
    }

    public String getFilename() {
        return filename;
    }

    public Long getTotalRows() {
        return totalRows;
    }

    public long getProcessedRows() {
        return processedRows;
    }

    public long getCreated() {
        return created;
    }

    public long getUpdated() {
        return updated;
    }

    public long getDeleted() {
        return deleted;
    }

    public long getErrors() {
        return errors;
    }

    public List<Map<String, Object>> getErrorSamples() {
        return errorSamples == null ? List.of() : errorSamples;
    }

    public String getError() {
        return error;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }
}
