package com.cataloghooks.task.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One rejected input row: {@code row} counts records as a spreadsheet numbers them (the header is row 1, the
 * first data row is row 2; a record spanning lines counts once), {@code column} names the offending column.
 */
@RegisterForReflection
public record RowError(long row, String column, String message) {
}
