package com.cataloghooks.soak;

import com.cataloghooks.soak.History.ProductWrite;
import com.cataloghooks.soak.Observed.OutboxEvent;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The committed events of the run: those of the writes the API acknowledged (2xx), and of the background tasks the
 * database shows ended (a bulk delete's {@code product.deleted} per product once it completed; an import's
 * {@code import.started} and {@code import.completed}, or its {@code import.failed}). Each is found in the outbox,
 * where it got its id (the {@code webhook-id} receivers see) and its data (what payload filters are matched
 * against); an acknowledged write whose event is not there is a violation of its own.
 * <p>
 * Commit order of one product's events: the order its writes were sent, since one thread writes each product, one
 * request at a time, and never again after a write in doubt ({@link ProductOperations}).
 */
final class CommittedEvents {

    /**
     * @param sent when the request that wrote it was sent: the event cannot have happened before
     * @param eventAt its time in the outbox (the database clock, to the millisecond): what ordered delivery sorts by
     */
    record Event(String eventId, String type, JsonNode data, Instant sent, String productId, Instant eventAt,
                 Instant publishedAt, String description) {
    }

    final List<Event> events = new ArrayList<>();
    /** Acknowledged writes and ended tasks whose event is missing from the outbox. */
    final List<String> missingFromOutbox = new ArrayList<>();
    int acknowledged;
    /** Each product's committed events in commit order. */
    final Map<String, List<Event>> byProduct = new LinkedHashMap<>();

    CommittedEvents(History history, Observed observed) {
        Map<String, List<OutboxEvent>> outbox = new HashMap<>();
        for (OutboxEvent event : observed.outbox) {
            outbox.computeIfAbsent(event.type() + "/" + event.aggregateId(), k -> new ArrayList<>()).add(event);
        }
        for (ProductWrite write : history.writes()) {
            if (!write.acked()) {
                continue;
            }
            acknowledged++;
            List<OutboxEvent> candidates = outbox.getOrDefault(write.type() + "/" + write.productId(), List.of());
            OutboxEvent found = candidates.stream()
                    .filter(e -> !write.type().equals("product.updated") || Objects.equals(e.name(), write.name()))
                    .findFirst().orElse(null);
            add(found, write.type(), write.productId(), write.sent(), write.type() + " of product "
                    + write.productId() + " (" + write.name() + "), sent " + write.sent());
        }
        for (History.Task task : history.tasks()) {
            String status = observed.taskStatus.get(task.taskId());
            if (status == null || status.equals("queued") || status.equals("running")) {
                continue; // not ended: nothing committed to judge yet
            }
            acknowledged++;
            if (task.kind().equals("import")) {
                if (status.equals("completed")) {
                    add(one(outbox, "import.started", task.taskId()), "import.started", null, task.sent(),
                            "import.started of task " + task.taskId());
                    add(one(outbox, "import.completed", task.taskId()), "import.completed", null, task.sent(),
                            "import.completed of task " + task.taskId());
                } else {
                    add(one(outbox, "import.failed", task.taskId()), "import.failed", null, task.sent(),
                            "import.failed of task " + task.taskId() + " (" + status + ")");
                }
            } else if (status.equals("completed")) {
                for (String productId : task.productIds()) {
                    add(one(outbox, "product.deleted", productId), "product.deleted", productId, task.sent(),
                            "product.deleted of product " + productId + " by bulk delete " + task.taskId());
                }
            }
        }
        byProduct.values().forEach(list -> list.sort(Comparator.comparing(Event::sent)));
    }

    private static OutboxEvent one(Map<String, List<OutboxEvent>> outbox, String type, String aggregateId) {
        List<OutboxEvent> found = outbox.getOrDefault(type + "/" + aggregateId, List.of());
        return found.isEmpty() ? null : found.get(0);
    }

    private void add(OutboxEvent found, String type, String productId, Instant sent, String description) {
        if (found == null) {
            missingFromOutbox.add(description);
            return;
        }
        Event event = new Event(found.id(), type, found.data(), sent, productId, found.createdAt(),
                found.publishedAt(), description);
        events.add(event);
        if (productId != null) {
            byProduct.computeIfAbsent(productId, p -> new ArrayList<>()).add(event);
        }
    }
}
