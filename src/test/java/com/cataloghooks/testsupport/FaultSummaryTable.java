package com.cataloghooks.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Collects one row per fault-injection scenario and renders them as a Markdown table, with free-form notes
 * underneath (throughput figures, status counts, which replica did what). Thread-safe.
 */
public final class FaultSummaryTable {

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * One scenario's outcome.
     *
     * @param deliveredMin the smallest number of distinct events any one subscribed webhook received
     * @param lost         committed events missing at some webhook, summed over the webhooks
     * @param duplicates   requests beyond the first per event, summed over the webhooks
     * @param recovery     how long recovery took, already formatted (see {@link #seconds(Duration)})
     */
    public record Row(String scenario, int committed, int deliveredMin, int lost, int duplicates, String recovery) {

        /** The row for a scenario whose webhooks each produced a tally. */
        public static Row of(String scenario, int committed, List<DeliveryTally> tallies, String recovery) {
            return new Row(scenario, committed,
                    tallies.stream().mapToInt(DeliveryTally::delivered).min().orElse(0),
                    tallies.stream().mapToInt(DeliveryTally::lost).sum(),
                    tallies.stream().mapToInt(DeliveryTally::duplicates).sum(),
                    recovery);
        }
    }

    public synchronized void add(Row row) {
        rows.add(row);
    }

    public synchronized void note(String note) {
        notes.add(note);
    }

    public synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | events committed | delivered (per webhook, min) | lost | duplicates "
                + "| time to recover |\n");
        out.append("|---|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.scenario())
                    .append(" | ").append(row.committed())
                    .append(" | ").append(row.deliveredMin())
                    .append(" | ").append(row.lost())
                    .append(" | ").append(row.duplicates())
                    .append(" | ").append(row.recovery())
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    /** Prints the table to stdout and writes it to {@code file}. */
    public void publish(String title, Path file) {
        String text = "## " + title + "\n\n" + markdown();
        System.out.println("\n" + text);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 12.3 s}. */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
