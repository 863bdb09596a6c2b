package com.cataloghooks.task.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A task's state. {@code total_rows} is null until the input was counted. For an import, every processed row is
 * exactly one of {@code created}, {@code updated} or {@code errors}; for a bulk delete, {@code deleted} counts the
 * products removed.
 */
@RegisterForReflection
public record TaskResponse(UUID taskId, @Schema(enumeration = {"import", "bulk_delete", "replay"}) String kind,
                           @Schema(enumeration = {"queued", "running", "completed", "failed", "cancelled"})
                           String status,
                           @Schema(nullable = true) String filename, @Schema(nullable = true) Long totalRows,
                           long processedRows, long created, long updated, long deleted, long errors,
                           List<RowError> errorSamples, @Schema(nullable = true) String error,
                           boolean cancelRequested, Instant createdAt,
                           @Schema(implementation = String.class, format = "date-time", nullable = true)
                           Instant startedAt,
                           @Schema(implementation = String.class, format = "date-time", nullable = true)
                           Instant finishedAt) {
}
