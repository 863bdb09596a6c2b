package com.cataloghooks.soak;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The payload filters the soak gives webhooks, and the client's own reading of them (from the README's table, not
 * the service's code): a field equals a scalar, or {@code $ne}, {@code $in}, {@code $exists}, {@code $gte} and
 * {@code $lt} on strings (lexicographic); {@code $and}; several fields are an implicit {@code $and}. A missing field
 * equals nothing, orders against nothing and is "not equal" to everything; a JSON null exists.
 */
final class PayloadFilters {

    private static final List<Map<String, Object>> CHOICES = List.of(
            Map.of("active", true),
            Map.of("active", false),
            Map.of("description", Map.of("$ne", "quiet")),
            Map.of("description", Map.of("$exists", true)),
            Map.of("description", Map.of("$in", List.of("loud", "plain"))));

    private PayloadFilters() {
    }

    static Map<String, Object> random(Random random) {
        return CHOICES.get(random.nextInt(CHOICES.size()));
    }

    /**
     * Only the products {@link ProductOperations#burst} writes (SKUs {@code <runTag>-b...}; the others are
     * {@code -p}, {@code -B}, {@code -I}): what ordered webhooks subscribe to, so that their one-at-a-time queue keeps
     * up with the run (all events, some 15 a second, would grow a backlog no wait could settle).
     */
    static Map<String, Object> burstProducts(String runTag) {
        return Map.of("$and", List.of(Map.of("sku", Map.of("$gte", runTag + "-b")),
                Map.of("sku", Map.of("$lt", runTag + "-c"))));
    }

    /** Whether an event's {@code data} passes {@code filter} (null: no filter). */
    @SuppressWarnings("unchecked")
    static boolean matches(Map<String, Object> filter, JsonNode data) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        if (data == null) {
            return false;
        }
        for (Map.Entry<String, Object> condition : filter.entrySet()) {
            if (condition.getKey().equals("$and")) {
                if (!((List<Map<String, Object>>) condition.getValue()).stream().allMatch(f -> matches(f, data))) {
                    return false;
                }
                continue;
            }
            JsonNode value = data.get(condition.getKey());
            boolean passes;
            if (condition.getValue() instanceof Map<?, ?> operator) {
                Map.Entry<String, Object> op = ((Map<String, Object>) operator).entrySet().iterator().next();
                passes = switch (op.getKey()) {
                    case "$ne" -> !equal(value, op.getValue());
                    case "$exists" -> (value != null) == (Boolean) op.getValue();
                    case "$in" -> ((List<Object>) op.getValue()).stream().anyMatch(v -> equal(value, v));
                    case "$gte" -> value != null && value.isTextual()
                            && value.textValue().compareTo((String) op.getValue()) >= 0;
                    case "$lt" -> value != null && value.isTextual()
                            && value.textValue().compareTo((String) op.getValue()) < 0;
                    default -> throw new IllegalArgumentException("the soak does not use " + op.getKey());
                };
            } else {
                passes = equal(value, condition.getValue());
            }
            if (!passes) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(JsonNode value, Object expected) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (expected instanceof Boolean b) {
            return value.isBoolean() && value.booleanValue() == b;
        }
        return value.isTextual() && value.textValue().equals(expected);
    }
}
