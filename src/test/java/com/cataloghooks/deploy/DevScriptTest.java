package com.cataloghooks.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/dev stop} run while dev mode still runs: DevInfra is then a child of the exec'ed Maven JVM, which
 * never reaps it, so once stopped it lingers as a zombie. The script must see a zombie as stopped (it used to poll
 * {@code kill -0}, which succeeds on a zombie, and looped forever).
 */
class DevScriptTest {

    @Test
    void stoppingAProcessThatBecomesAnUnreapedZombieEnds() throws IOException, InterruptedException {
        String script = String.join("\n",
                "set -euo pipefail",
                "source scripts/dev",
                "dir=$(mktemp -d)",
                // the parent forks the stand-in for DevInfra, then execs into something that never waits for it
                "bash -c 'sleep 300 & echo $! > \"$0\"/child; exec sleep 310' \"$dir\" &",
                "parent=$!",
                "until [[ -s $dir/child && $(cat /proc/$parent/comm) == sleep ]]; do sleep 0.05; done",
                "child=$(<\"$dir\"/child)",
                "stop_process \"$child\" 'sleep 300' TERM",
                "echo \"state=$(sed 's/.*) //' /proc/$child/stat | cut -c1)\"",
                "kill \"$parent\"");
        Process bash = new ProcessBuilder("bash", "-c", script).directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true).start();
        boolean ended = bash.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            bash.destroyForcibly();
        }
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "stop_process still waiting on a zombie after 60 s:\n" + output);
        assertEquals(0, bash.exitValue(), output);
        assertTrue(output.contains("state=Z"), "the stand-in was a zombie when stop_process returned:\n" + output);
    }
}
