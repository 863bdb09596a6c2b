package com.cataloghooks.soak;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The payload filters the soak gives webhooks, and the client's own reading of them (from the README's table, not
 * the service's code): a field equals a scalar, or {@code $ne}, {@code $in}, {@code $exists}; several fields are an
 * implicit {@code $and}. A missing field equals nothing and is "not equal" to everything; a JSON null exists.
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
            JsonNode value = data.get(condition.getKey());
            boolean passes;
            if (condition.getValue() instanceof Map<?, ?> operator) {
                Map.Entry<String, Object> op = ((Map<String, Object>) operator).entrySet().iterator().next();
                passes = switch (op.getKey()) {
                    case "$ne" -> !equal(value, op.getValue());
                    case "$exists" -> (value != null) == (Boolean) op.getValue();
                    case "$in" -> ((List<Object>) op.getValue()).stream().anyMatch(v -> equal(value, v));
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
