package com.cataloghooks.soak;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one soak run does, from system properties (all optional; {@code scripts/soak} sets them):
 * {@code soak.seed} (default: a new random seed, printed), {@code soak.seconds} or {@code soak.minutes} (operations
 * and faults; default 150 s), {@code soak.replicas} (2), {@code soak.threads} (client threads, 3),
 * {@code soak.lease} (the replicas' {@code CATALOG_DELIVERY_LEASE}, 5s), {@code soak.settle-seconds} (longest wait for
 * deliveries to settle once faults stop: 180, or a fifth of the run if longer).
 *
 * @param seed     seeds every random choice of the run: operations, their arguments, faults and their timing
 * @param duration how long operations and faults go on
 */
record SoakSettings(long seed, Duration duration, int replicas, int threads, String lease, Duration settle) {

    static SoakSettings fromSystemProperties() {
        String seed = System.getProperty("soak.seed", "").trim();
        String minutes = System.getProperty("soak.minutes", "").trim();
        String seconds = System.getProperty("soak.seconds", "").trim();
        Duration duration = !minutes.isEmpty() ? Duration.ofSeconds(Math.round(Double.parseDouble(minutes) * 60))
                : Duration.ofSeconds(seconds.isEmpty() ? 150 : Long.parseLong(seconds));
        int replicas = Integer.parseInt(System.getProperty("soak.replicas", "2").trim());
        if (replicas < 2 || replicas > 3) {
            throw new IllegalArgumentException("soak.replicas must be 2 or 3 on this machine, not " + replicas);
        }
        return new SoakSettings(seed.isEmpty() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed),
                duration, replicas, Integer.parseInt(System.getProperty("soak.threads", "3").trim()),
                System.getProperty("soak.lease", "5s").trim(),
                Duration.ofSeconds(Long.parseLong(System.getProperty("soak.settle-seconds",
                        Long.toString(Math.max(180, duration.toSeconds() / 5))).trim())));
    }

    /**
     * The replicas' settings: short waits so that a few minutes hold many retries, breaker periods and takeovers; a
     * lease shorter than some database outages, so that outages longer than the lease happen too.
     */
    Map<String, String> serviceEnv() {
        return Map.ofEntries(
                Map.entry("CATALOG_DELIVERY_LEASE", lease),
                Map.entry("CATALOG_DELIVERY_BACKOFF_BASE", "500"),
                Map.entry("CATALOG_DELIVERY_BACKOFF_MAX", "4000"),
                Map.entry("CATALOG_DELIVERY_POLL_INTERVAL", "500ms"),
                Map.entry("CATALOG_OUTBOX_POLL_INTERVAL", "500ms"),
                Map.entry("CATALOG_WEBHOOKS_BREAKER_DELAY", "3s"),
                Map.entry("CATALOG_TASKS_HEARTBEAT_INTERVAL", "2s"),
                Map.entry("CATALOG_TASKS_STALE_AFTER", "10s"));
    }

    /** A seed for one part of the run (a client thread, the faults), derived from the run's seed. */
    long seedFor(int part) {
        return seed * 0x9E3779B97F4A7C15L + part;
    }

    /**
     * The faults a run of this length must have had, or it proves too little and fails. A replica takes most of a
     * minute to start again on a busy 2-core machine, so a short run has room for about three; a long one must have
     * had each of the four kinds.
     */
    int minimumFaults() {
        return duration.toMinutes() >= 5 ? 4 : duration.toSeconds() >= 120 ? 3 : 2;
    }

    boolean everyKindOfFault() {
        return duration.toMinutes() >= 5;
    }

    @Override
    public String toString() {
        return "seed " + seed + ", " + duration.toSeconds() + " s of operations and faults, " + replicas
                + " replicas, " + threads + " client threads, lease " + lease;
    }
}
