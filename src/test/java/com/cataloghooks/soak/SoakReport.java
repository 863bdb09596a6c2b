package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Call;
import com.cataloghooks.soak.History.Fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The soak's table (one line per check, numbered as DESIGN.md's invariants), what the run did, and examples. */
final class SoakReport {

    static final Path FILE = Path.of("target", "soak-summary.md");

    private final List<Verdict> verdicts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void add(List<Verdict> more) {
        verdicts.addAll(more);
    }

    void add(Verdict verdict) {
        verdicts.add(verdict);
    }

    void note(String note) {
        notes.add(note);
    }

    List<Verdict> violated() {
        return verdicts.stream().filter(Verdict::violated).toList();
    }

    /** What the run did: operations by kind with their answers, and the faults. */
    void activity(History history) {
        Map<String, Map<String, Integer>> byOp = new TreeMap<>();
        for (Call call : history.calls()) {
            String outcome = call.status() == 0 ? "none" : Integer.toString(call.status());
            byOp.computeIfAbsent(call.op(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        }
        StringBuilder ops = new StringBuilder("operations (answers): ");
        byOp.forEach((op, answers) -> ops.append(op).append(' ').append(answers).append("; "));
        notes.add(ops.toString());
        notes.add("faults: " + history.faults().stream().map(SoakReport::describe).collect(Collectors.joining("; ")));
    }

    private static String describe(Fault fault) {
        return fault.kind() + (fault.target() >= 0 ? " " + fault.target() : "") + " at " + fault.start() + " (down "
                + seconds(Duration.between(fault.stopped(), fault.downUntil())) + ", back after "
                + seconds(Duration.between(fault.start(), fault.end())) + ")";
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    String markdown(String title) {
        StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
        out.append("| inv. | check | checked | violations | |\n|---|---|---:|---:|---|\n");
        for (Verdict v : verdicts) {
            out.append("| ").append(v.invariant).append(" | ").append(v.check).append(" | ").append(v.checked)
                    .append(" | ").append(v.violations).append(" | ")
                    .append(!v.counts ? "info" : v.violations > 0 ? "**FAIL**" : "ok").append(" |\n");
        }
        out.append('\n');
        notes.forEach(n -> out.append("- ").append(n).append('\n'));
        for (Verdict v : verdicts) {
            if (v.violations > 0 || !v.note.isEmpty()) {
                out.append("\n### ").append(v.invariant).append(". ").append(v.check).append("\n\n");
                if (!v.note.isEmpty()) {
                    out.append(v.note).append("\n\n");
                }
                v.examples.forEach(e -> out.append("- ").append(e).append('\n'));
            }
        }
        return out.toString();
    }

    void publish(String title) {
        String text = markdown(title);
        System.out.println("\n" + text);
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
