package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything the run did, as the client saw it, with the client's clock (the same machine's clock as the service's
 * and the database's): every API call and its answer, every product write, background task, webhook (with its
 * configuration history), redelivery, replay and fault. The invariants are judged from this and from what the
 * receivers and the database show at the end. Thread-safe.
 */
final class History {

    /**
     * One product write by one client thread. Each product is written by one thread only, one request at a time, so
     * its acknowledged writes committed in the order they were sent: that is the product's commit order.
     *
     * @param type  the event it emits when it commits: {@code product.created}, {@code .updated} or {@code .deleted}
     * @param name  the product's name after the write (unique per write, so its event is found by it)
     * @param taskId for a product deleted by a bulk delete, its task (committed once the task completed)
     */
    record ProductWrite(int thread, String productId, String type, String name, Instant sent, Instant answered,
                        boolean acked, String taskId) {
    }

    /** An import or bulk delete started through the API; its end is read from the database at the end. */
    record Task(String kind, String taskId, Instant sent, List<String> productIds) {
    }

    record Redelivery(String webhookId, String deliveryId, String eventId, Instant sent, Instant answered,
                      int status) {
    }

    record Replay(String webhookId, Instant since, Instant until, String status, boolean includeMissed, Instant sent,
                  Instant answered, int answer) {
    }

    /**
     * A fault: from when it was injected until everything it stopped was running again.
     *
     * @param kind   {@code kill -9}, {@code SIGTERM}, {@code PostgreSQL restart}, {@code Kafka restart}
     * @param target the replica, or -1
     * @param downUntil when the stopped part came back (the process exited, for a SIGTERM's stopping phase)
     */
    record Fault(String kind, int target, Instant start, Instant stopped, Instant downUntil, Instant end) {
        boolean covers(Instant t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<ProductWrite> writes = new CopyOnWriteArrayList<>();
    private final List<Task> tasks = new CopyOnWriteArrayList<>();
    private final List<WebhookRecord> webhooks = new CopyOnWriteArrayList<>();
    private final List<Redelivery> redeliveries = new CopyOnWriteArrayList<>();
    private final List<Replay> replays = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<String> headerValues = new CopyOnWriteArrayList<>();

    void record(Call call) {
        calls.add(call);
    }

    void write(ProductWrite write) {
        writes.add(write);
    }

    void task(Task task) {
        tasks.add(task);
    }

    void webhook(WebhookRecord webhook) {
        webhooks.add(webhook);
    }

    void redelivery(Redelivery redelivery) {
        redeliveries.add(redelivery);
    }

    void replay(Replay replay) {
        replays.add(replay);
    }

    void fault(Fault fault) {
        faults.add(fault);
    }

    /** A custom header value given to a webhook: a secret as much as the signing secret (encrypted at rest). */
    void headerValue(String value) {
        headerValues.add(value);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<ProductWrite> writes() {
        return List.copyOf(writes);
    }

    List<Task> tasks() {
        return List.copyOf(tasks);
    }

    List<WebhookRecord> webhooks() {
        return List.copyOf(webhooks);
    }

    List<Redelivery> redeliveries() {
        return List.copyOf(redeliveries);
    }

    List<Replay> replays() {
        return List.copyOf(replays);
    }

    List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** Every secret of the run: signing secrets given or returned, and custom header values. */
    List<String> secrets() {
        List<String> all = new ArrayList<>(headerValues);
        webhooks.forEach(w -> all.addAll(w.secrets()));
        return all;
    }

    /** The fault in progress at {@code t}, if any. */
    Fault faultAt(Instant t) {
        return faults.stream().filter(f -> f.covers(t)).findFirst().orElse(null);
    }
}
