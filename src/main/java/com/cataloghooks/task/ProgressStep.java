package com.cataloghooks.task;

import com.cataloghooks.task.api.RowError;

import java.util.List;

/**
 * What one step of a task did, recorded in the same transaction as the step's writes so that progress never
 * claims more than is committed. {@code errors} counts every rejected row; {@code samples} are some of them.
 */
public record ProgressStep(long processed, long created, long updated, long deleted, long errors,
                           List<RowError> samples) {

    public static ProgressStep imported(long processed, long created, long updated, List<RowError> errors) {
        return new ProgressStep(processed, created, updated, 0, errors.size(), errors);
    }

    /** A replay's step: {@code requeued} deliveries sent again and {@code planned} missed events delivered. */
    public static ProgressStep replayed(long requeued, long planned) {
        return new ProgressStep(requeued + planned, planned, requeued, 0, 0, List.of());
    }

    /** {@code processed} products looked at, of which {@code deleted} were still there to delete. */
    public static ProgressStep deleted(long processed, long deleted) {
        return new ProgressStep(processed, 0, 0, deleted, 0, List.of());
    }
}
