package com.cataloghooks.task.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A task's state. {@code total_rows} is null until the input was counted. For an import, every processed row is
 * exactly one of {@code created}, {@code updated} or {@code errors}; for a bulk delete, {@code deleted} counts the
 * products removed.
 */
@RegisterForReflection
public record TaskResponse(UUID taskId, String kind, String status, String filename, Long totalRows,
                           long processedRows, long created, long updated, long deleted, long errors,
                           List<RowError> errorSamples, String error, boolean cancelRequested,
                           Instant createdAt, Instant startedAt, Instant finishedAt) {
}
