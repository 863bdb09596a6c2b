package com.cataloghooks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Memory figures of a process, as Linux reports them in {@code /proc/<pid>/status}. */
final class ProcStatus {

    private ProcStatus() {
    }

    /** A kB figure such as {@code VmRSS}, or -1 without a PID, once the process is gone, or if the key is absent. */
    static long kb(String pid, String key) {
        try (Stream<String> lines = pid.isEmpty() ? Stream.empty() : Files.lines(Path.of("/proc", pid, "status"))) {
            return lines.filter(line -> line.startsWith(key + ":"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
