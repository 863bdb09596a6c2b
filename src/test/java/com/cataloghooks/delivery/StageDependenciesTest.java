package com.cataloghooks.delivery;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery stages talk one way: plan, claim, send, record, history, each handing work on to the ones after it
 * and never importing one before it. {@code state} (the state machine, its policy and its types) and {@code api}
 * (the answers' shapes) lie under every stage and import none; {@code web} (the resources) lies over them all and no
 * stage imports it. Read from the sources, so a new import running backwards fails here with its file and line.
 */
class StageDependenciesTest {

    private static final Path ROOT = Path.of("src/main/java/com/cataloghooks/delivery");
    private static final List<String> STAGES = List.of("plan", "claim", "send", "record", "history");
    /** What each package may import of the others besides itself. */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "state", List.of(),
            "api", List.of(),
            "plan", List.of("state", "api", "claim", "send", "record", "history"),
            "claim", List.of("state", "api", "send", "record", "history"),
            "send", List.of("state", "api", "record", "history"),
            "record", List.of("state", "api", "history"),
            "history", List.of("state", "api"),
            "web", List.of("state", "api", "plan", "claim", "send", "record", "history"));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?com\\.cataloghooks\\.delivery\\.(\\w+)[.;]",
            Pattern.MULTILINE);

    @Test
    void everyDeliveryClassLivesInAKnownPackage() throws IOException {
        try (Stream<Path> files = Files.list(ROOT)) {
            List<String> loose = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
            assertEquals(List.of(), loose, "classes directly in delivery/, outside every stage");
        }
        try (Stream<Path> dirs = Files.list(ROOT)) {
            List<String> unknown = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> !ALLOWED.containsKey(name)).toList();
            assertEquals(List.of(), unknown, "packages under delivery/ with no place in the order");
        }
    }

    @Test
    void theStagesImportOnlyForward() throws IOException {
        List<String> backwards = new ArrayList<>();
        int imports = 0;
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = ROOT.relativize(file).getName(0).toString();
                String source = Files.readString(file);
                Matcher m = IMPORT.matcher(source);
                while (m.find()) {
                    String to = m.group(1);
                    if (to.equals(from)) {
                        continue;
                    }
                    imports++;
                    if (!ALLOWED.getOrDefault(from, List.of()).contains(to)) {
                        int line = source.substring(0, m.start()).split("\n", -1).length;
                        backwards.add(ROOT.relativize(file) + ":" + line + " " + from + " -> " + to);
                    }
                }
            }
        }
        assertTrue(imports > STAGES.size(), "the stages import one another at all (" + imports + " imports read)");
        assertEquals(List.of(), backwards, "imports running against plan → claim → send → record → history");
    }
}
