package com.cataloghooks.product;

import com.cataloghooks.common.event.EventType;
import com.cataloghooks.outbox.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The {@code product.*} events, with exactly the data fields the seed's event table lists. */
@ApplicationScoped
class ProductEvents {

    private final OutboxWriter outbox;

    ProductEvents(OutboxWriter outbox) {
        this.outbox = outbox;
    }

    void created(Product p) {
        outbox.record(EventType.PRODUCT_CREATED, p.getId().toString(), state(p, "created_at", p.getCreatedAt()));
    }

    void updated(Product p) {
        outbox.record(EventType.PRODUCT_UPDATED, p.getId().toString(), state(p, "updated_at", p.getUpdatedAt()));
    }

    /** The product's fields, then the time of the change under the name the event uses for it. */
    private static Map<String, Object> state(Product p, String timeField, Instant time) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.getId().toString());
        data.put("sku", p.getSku());
        data.put("name", p.getName());
        data.put("description", p.getDescription());
        data.put("active", p.isActive());
        data.put(timeField, time.toString());
        return data;
    }

    void deleted(Product p) {
        outbox.record(EventType.PRODUCT_DELETED, p.getId().toString(), deletedData(p.getId(), p.getSku(), p.getName()));
    }

    /** The data of {@code product.deleted}, for one product or for each of a bulk delete. */
    static Map<String, Object> deletedData(UUID id, String sku, String name) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id.toString());
        data.put("sku", sku);
        data.put("name", name);
        return data;
    }
}
