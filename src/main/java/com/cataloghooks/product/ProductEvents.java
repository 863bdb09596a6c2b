package com.cataloghooks.product;

import com.cataloghooks.common.event.EventType;
import com.cataloghooks.outbox.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code product.*} events, with exactly the data fields the seed's event table lists. */
@ApplicationScoped
class ProductEvents {

    private final OutboxWriter outbox;

    ProductEvents(OutboxWriter outbox) {
        this.outbox = outbox;
    }

    void created(Product p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.getId().toString());
        data.put("sku", p.getSku());
        data.put("name", p.getName());
        data.put("description", p.getDescription());
        data.put("active", p.isActive());
        data.put("created_at", p.getCreatedAt().toString());
        outbox.record(EventType.PRODUCT_CREATED, p.getId().toString(), data);
    }

    void updated(Product p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.getId().toString());
        data.put("sku", p.getSku());
        data.put("name", p.getName());
        data.put("description", p.getDescription());
        data.put("active", p.isActive());
        data.put("updated_at", p.getUpdatedAt().toString());
        outbox.record(EventType.PRODUCT_UPDATED, p.getId().toString(), data);
    }

    void deleted(Product p) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.getId().toString());
        data.put("sku", p.getSku());
        data.put("name", p.getName());
        outbox.record(EventType.PRODUCT_DELETED, p.getId().toString(), data);
    }
}
