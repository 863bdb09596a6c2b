package com.cataloghooks.common.event;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The catalog of events a webhook can subscribe to, with the wire name, a description and an example payload. */
public enum EventType {

    PRODUCT_CREATED("product.created", "A product was created", example(
            "id", "123e4567-e89b-12d3-a456-426614174000", "sku", "WIDGET-001", "name", "Premium Widget",
            "description", "A widget of the finest kind", "active", true, "created_at", "2025-11-26T16:00:00Z")),
    PRODUCT_UPDATED("product.updated", "A product was updated", example(
            "id", "123e4567-e89b-12d3-a456-426614174000", "sku", "WIDGET-001", "name", "Premium Widget v2",
            "description", "A widget of the finest kind", "active", false, "updated_at", "2025-11-26T17:00:00Z")),
    PRODUCT_DELETED("product.deleted", "A product was deleted", example(
            "id", "123e4567-e89b-12d3-a456-426614174000", "sku", "WIDGET-001", "name", "Premium Widget")),
    IMPORT_STARTED("import.started", "A CSV import started", example(
            "task_id", "9b2f3c1e-0d4a-4f6e-8a7b-1c2d3e4f5a6b", "filename", "products.csv", "total_rows", 500000)),
    IMPORT_COMPLETED("import.completed", "A CSV import completed", example(
            "task_id", "9b2f3c1e-0d4a-4f6e-8a7b-1c2d3e4f5a6b", "created", 499000, "updated", 990, "errors", 10)),
    IMPORT_FAILED("import.failed", "A CSV import failed", example(
            "task_id", "9b2f3c1e-0d4a-4f6e-8a7b-1c2d3e4f5a6b", "error", "the file lacks the required column 'sku'"));

    private final String wireName;
    private final String description;
    private final Map<String, Object> example;

    EventType(String wireName, String description, Map<String, Object> example) {
        this.wireName = wireName;
        this.description = description;
        this.example = example;
    }

    public String wireName() {
        return wireName;
    }

    public String description() {
        return description;
    }

    public Map<String, Object> example() {
        return example;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** Every type's wire name, in declaration order: what a filter by event type accepts. */
    public static List<String> wireNameList() {
        return Arrays.stream(values()).map(EventType::wireName).toList();
    }

    public static String wireNames() {
        return String.join(", ", wireNameList());
    }

    private static Map<String, Object> example(Object... keysAndValues) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(data);
    }
}
