package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Answer;
import com.cataloghooks.soak.History.ProductWrite;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One client thread's product writes. The thread owns the products it creates: no other thread writes them, and it
 * writes each one request at a time, so the acknowledged writes of a product committed in the order they were sent.
 * A product whose write got no clear answer (a 5xx, none at all) is never written again: a request the client gave up
 * on may still commit later, and would make the product's commit order unknown.
 */
final class ProductOperations {

    private static final List<String> DESCRIPTIONS = java.util.Arrays.asList(null, "quiet", "loud", "plain");
    private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

    /** A product this thread may still write. */
    private static final class Owned {
        final String id;
        final String sku;
        boolean active;

        Owned(String id, String sku, boolean active) {
            this.id = id;
            this.sku = sku;
            this.active = active;
        }
    }

    private final int thread;
    private final String runTag;
    private final ApiClient api;
    private final History history;
    private final Random random;
    private final List<Owned> live = new ArrayList<>();
    private int counter;

    ProductOperations(int thread, String runTag, ApiClient api, History history, Random random) {
        this.thread = thread;
        this.runTag = runTag;
        this.api = api;
        this.history = history;
        this.random = random;
    }

    void create() {
        create("p");
    }

    void update() {
        if (live.isEmpty()) {
            create();
            return;
        }
        Owned product = live.get(random.nextInt(live.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        String name = nextName("u");
        body.put("name", name); // always a change, so always an event, found by its name
        if (random.nextInt(3) == 0) {
            body.put("active", !product.active);
        }
        if (random.nextInt(3) == 0) {
            body.put("description", randomDescription());
        }
        Answer answer = api.put("product update", random, "/api/v1/products/" + product.id, body);
        record(product.id, "product.updated", name, answer);
        if (answer.ok() && body.containsKey("active")) {
            product.active = !product.active;
        }
        settle(product, answer);
    }

    void delete() {
        if (live.isEmpty()) {
            create();
            return;
        }
        Owned product = live.get(random.nextInt(live.size()));
        Answer answer = api.delete("product delete", random, "/api/v1/products/" + product.id);
        record(product.id, "product.deleted", null, answer);
        if (answer.ok() || answer.ambiguous()) {
            live.remove(product);
        } else if (answer.status() == 404) {
            live.remove(product); // cannot happen: nobody else deletes it; the invariants show the writes
        }
    }

    /** A create followed at once by a few updates of the same product: events close together in time. */
    void burst() {
        Owned product = create("b");
        for (int i = 0; product != null && i < 2 + random.nextInt(3) && live.contains(product); i++) {
            String name = nextName("bu");
            Answer answer = api.put("product update (burst)", random, "/api/v1/products/" + product.id,
                    Map.of("name", name));
            record(product.id, "product.updated", name, answer);
            settle(product, answer);
        }
    }

    /** A small CSV of new SKUs: no product events, an {@code import.started} and an end event. */
    void importCsv() {
        StringBuilder csv = new StringBuilder("sku,name,description,active\n");
        String batch = runTag + "-I" + thread + "-" + (++counter);
        int rows = 3 + random.nextInt(15);
        for (int i = 0; i < rows; i++) {
            csv.append(batch).append('-').append(i).append(",imported ").append(i).append(",")
                    .append(random.nextBoolean() ? "loud" : "").append(',').append(random.nextBoolean()).append('\n');
        }
        Instant sent = Instant.now();
        Answer answer = api.postCsv("import", random, "/api/v1/products/imports?filename=" + batch + ".csv",
                csv.toString());
        if (answer.ok() && answer.text("task_id") != null) {
            history.task(new History.Task("import", answer.text("task_id"), sent, List.of()));
            awaitTask("import status", "/api/v1/products/imports/" + answer.text("task_id"));
        }
    }

    /** Creates a few products with a name no other product has, then bulk-deletes by that name. */
    void bulkDelete() {
        // "x" ends the token: the name filter matches by "contains", and "-bulk-0-1" is part of "-bulk-0-12"
        String token = runTag + "-bulk-" + thread + "-" + (++counter) + "x";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2 + random.nextInt(3); i++) {
            String name = token + i;
            String sku = runTag + "-B" + thread + "-" + counter + "-" + i;
            Answer answer = api.post("product create (for bulk delete)", random, "/api/v1/products",
                    Map.of("sku", sku, "name", name, "description", "loud", "active", true));
            String id = answer.ok() ? answer.text("id") : null;
            history.write(new ProductWrite(thread, id, "product.created", name, answer.call().sent(),
                    answer.call().answered(), answer.ok() && id != null, null));
            if (id != null) {
                ids.add(id); // never written again by this thread
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Instant sent = Instant.now();
        Answer answer = api.delete("bulk delete", random, "/api/v1/products?confirm=true&name=" + token);
        if (answer.ok() && answer.text("task_id") != null) {
            history.task(new History.Task("bulk_delete", answer.text("task_id"), sent, List.copyOf(ids)));
            awaitTask("bulk delete status", "/api/v1/products/deletions/" + answer.text("task_id"));
        }
    }

    private Owned create(String prefix) {
        String sku = runTag + "-" + prefix + thread + "-" + (++counter);
        String name = nextName(prefix);
        boolean active = random.nextInt(4) != 0;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("name", name);
        body.put("description", randomDescription());
        body.put("active", active);
        Answer answer = api.post("product create", random, "/api/v1/products", body);
        String id = answer.ok() ? answer.text("id") : null;
        history.write(new ProductWrite(thread, id, "product.created", name, answer.call().sent(),
                answer.call().answered(), answer.ok() && id != null, null));
        if (id == null) {
            return null;
        }
        Owned product = new Owned(id, sku, active);
        live.add(product);
        return product;
    }

    private void record(String productId, String type, String name, Answer answer) {
        history.write(new ProductWrite(thread, productId, type, name, answer.call().sent(), answer.call().answered(),
                answer.ok(), null));
    }

    /** A product whose write may or may not have committed is never written again. */
    private void settle(Owned product, Answer answer) {
        if (answer.ambiguous() || answer.status() == 404) {
            live.remove(product);
        }
    }

    private void awaitTask(String op, String path) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Answer answer = api.get(op, random, path);
            if (answer.ok() && FINAL.contains(answer.text("status"))) {
                return;
            }
            try {
                Thread.sleep(500); // polling a background task; its end is read from the database at the end anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String nextName(String prefix) {
        return runTag + "-" + prefix + thread + "-" + (++counter);
    }

    private String randomDescription() {
        return DESCRIPTIONS.get(random.nextInt(DESCRIPTIONS.size()));
    }

    /** Products left to write (for reads). */
    String anyLiveProduct() {
        return live.isEmpty() ? null : live.get(random.nextInt(live.size())).id;
    }
}
