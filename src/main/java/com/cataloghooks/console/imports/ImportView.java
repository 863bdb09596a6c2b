package com.cataloghooks.console.imports;

import com.cataloghooks.task.api.TaskResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * An import as the console shows it: the task's own numbers, and what follows from them (the rate since it started
 * and the time left at that rate). {@code canCancel} is whether this person may cancel it now.
 */
public record ImportView(TaskResponse task, boolean canCancel, Instant now) {

    static ImportView of(TaskResponse task, boolean canWrite) {
        return new ImportView(task, canWrite && task.finishedAt() == null && !task.cancelRequested(), Instant.now());
    }

    public boolean running() {
        return task.finishedAt() == null;
    }

    public boolean counted() {
        return task.totalRows() != null;
    }

    /** The progress bar's maximum (at least 1: a file of only a header has 0 rows). */
    public long max() {
        return task.totalRows() == null ? 1 : Math.max(1, task.totalRows());
    }

    public long percent() {
        return task.totalRows() == null || task.totalRows() == 0 ? (running() ? 0 : 100)
                : Math.min(100, task.processedRows() * 100 / task.totalRows());
    }

    public String rows() {
        if (task.totalRows() == null) {
            return number(task.processedRows()) + " (counting the rows\u2026)";
        }
        return number(task.processedRows()) + " of " + number(task.totalRows()) + " (" + percent() + " %)";
    }

    /** Rows per second from the start until now (or the end); null before there is anything to measure. */
    Double rowsPerSecond() {
        if (task.startedAt() == null || task.processedRows() == 0) {
            return null;
        }
        Instant end = task.finishedAt() != null ? task.finishedAt() : now;
        long millis = Duration.between(task.startedAt(), end).toMillis();
        return millis <= 0 ? null : task.processedRows() * 1000.0 / millis;
    }

    public String rate() {
        Double rate = rowsPerSecond();
        return rate == null ? "\u2014" : number(Math.round(rate)) + " rows/s";
    }

    public String timeLeft() {
        if ("queued".equals(task.status())) {
            return "waiting to start";
        }
        if (!running()) {
            return "none";
        }
        if (task.totalRows() == null) {
            return "counting the rows\u2026";
        }
        long remaining = Math.max(0, task.totalRows() - task.processedRows());
        Double rate = rowsPerSecond();
        if (remaining == 0) {
            return "finishing";
        }
        if (rate == null || rate <= 0) {
            return "\u2014";
        }
        return "about " + duration((long) Math.ceil(remaining / rate));
    }

    /** How long it ran, for a finished import. */
    public String took() {
        if (task.startedAt() == null || task.finishedAt() == null) {
            return "\u2014";
        }
        return duration(Math.max(0, Duration.between(task.startedAt(), task.finishedAt()).toSeconds()));
    }

    public String badge() {
        return switch (task.status()) {
            case "completed" -> "ok";
            case "failed" -> "bad";
            case "cancelled" -> "warn";
            default -> "muted";
        };
    }

    /** The rejected rows shown are the first ones kept; says so when there were more. */
    public boolean moreErrorsThanShown() {
        return task.errors() > task.errorSamples().size();
    }

    public String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
