package com.cataloghooks.soak;

import com.cataloghooks.soak.History.Fault;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Injects one fault at a time, in a seeded order, until the deadline: kill -9 of a replica, SIGTERM of a replica
 * (each started again on its port after a few seconds), a PostgreSQL stop and start keeping its data (sometimes
 * longer than the lease), and a Kafka broker stop or crash and start. Every four faults are a shuffle of the four
 * kinds, so a run of four faults has had each. A fault under way when the deadline passes is finished: everything it
 * stopped is started again.
 */
final class Faults implements Runnable {

    static final String KILL = "kill -9 replica";
    static final String SIGTERM = "SIGTERM replica";
    static final String DATABASE = "PostgreSQL restart";
    static final String BROKER = "Kafka broker restart";

    private final Cluster cluster;
    private final History history;
    private final Random random;
    private final long deadline;
    private final List<String> problems = new CopyOnWriteArrayList<>();

    Faults(Cluster cluster, History history, long seed, long deadlineNanos) {
        this.cluster = cluster;
        this.history = history;
        this.random = new Random(seed);
        this.deadline = deadlineNanos;
    }

    /** What went wrong injecting or mending faults (a replica that would not start again, ...). */
    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void run() {
        List<String> order = new ArrayList<>();
        pause(8_000 + random.nextInt(5_000)); // let the load settle first
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            if (order.isEmpty()) {
                order.addAll(List.of(KILL, SIGTERM, DATABASE, BROKER));
                Collections.shuffle(order, random);
            }
            String kind = order.remove(0);
            try {
                inject(kind);
            } catch (RuntimeException e) {
                problems.add(kind + ": " + e.getMessage());
                System.err.println("soak: fault " + kind + " went wrong: " + e);
            }
            pause(5_000 + random.nextInt(7_000));
        }
    }

    private void inject(String kind) {
        int replica = random.nextInt(cluster.size());
        Instant start = Instant.now();
        System.out.println("soak: " + start + " fault: " + kind + (kind.endsWith("replica") ? " " + replica : ""));
        switch (kind) {
            case KILL -> {
                cluster.killReplica(replica);
                Instant stopped = Instant.now();
                pause(1_000 + random.nextInt(3_000));
                Instant restarting = Instant.now();
                cluster.startReplica(replica);
                history.fault(new Fault(kind, replica, start, stopped, restarting, Instant.now()));
            }
            case SIGTERM -> {
                cluster.stopReplica(replica);
                Instant exited = Instant.now();
                pause(1_000 + random.nextInt(2_000));
                Instant restarting = Instant.now();
                cluster.startReplica(replica);
                history.fault(new Fault(kind, replica, start, exited, restarting, Instant.now()));
            }
            case DATABASE -> {
                var database = cluster.database().orElseThrow(() -> new IllegalStateException("TEST_PG_URL is set"));
                database.stop();
                Instant stopped = Instant.now();
                pause(3_000 + random.nextInt(7_000));
                Instant restarting = Instant.now();
                database.start();
                history.fault(new Fault(kind, -1, start, stopped, restarting, Instant.now()));
            }
            case BROKER -> {
                var broker = cluster.broker().orElseThrow(() -> new IllegalStateException("TEST_KAFKA_BOOTSTRAP is set"));
                if (random.nextBoolean()) {
                    broker.stop();
                } else {
                    broker.kill();
                }
                Instant stopped = Instant.now();
                pause(3_000 + random.nextInt(7_000));
                Instant restarting = Instant.now();
                broker.start();
                history.fault(new Fault(kind, -1, start, stopped, restarting, Instant.now()));
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // a fault's own timing, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
