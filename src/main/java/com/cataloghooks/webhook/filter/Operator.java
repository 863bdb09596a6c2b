package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.function.Predicate;

/**
 * One test on one field's value, e.g. {@code $gt: 10}. {@link #test} receives {@code null} when the field is missing.
 * <p>
 * When the field holds an array, the positive operators ({@code $eq}, {@code $in}, the comparisons) hold if any
 * element passes, as in Convoy and Mongo ({@code {"tags": "sale"}} matches {@code "tags": ["new", "sale"]}); the
 * negative ones ({@code $ne}, {@code $nin}) are their exact negations, so they also hold for a missing field.
 */
sealed interface Operator {

    boolean test(JsonNode value);

    /** {@code $eq}, and the bare {@code {"field": value}} form. */
    record Eq(JsonNode expected) implements Operator {
        @Override
        public boolean test(JsonNode value) {
            return anyElement(value, element -> Scalars.equal(element, expected));
        }
    }

    record Ne(Eq eq) implements Operator {
        @Override
        public boolean test(JsonNode value) {
            return !eq.test(value);
        }
    }

    record In(List<JsonNode> candidates) implements Operator {
        public In {
            candidates = List.copyOf(candidates);
        }

        @Override
        public boolean test(JsonNode value) {
            return anyElement(value, element -> candidates.stream().anyMatch(c -> Scalars.equal(element, c)));
        }
    }

    record Nin(In in) implements Operator {
        @Override
        public boolean test(JsonNode value) {
            return !in.test(value);
        }
    }

    /** {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}: a number against a number, a string against a string. */
    record Compare(Bound bound, JsonNode limit) implements Operator {
        @Override
        public boolean test(JsonNode value) {
            return anyElement(value, element -> {
                Integer order = Scalars.compare(element, limit);
                return order != null && bound.accepts(order);
            });
        }
    }

    /** {@code $exists}: a field present with a JSON null exists. */
    record Exists(boolean wanted) implements Operator {
        @Override
        public boolean test(JsonNode value) {
            return (value != null) == wanted;
        }
    }

    enum Bound {
        GT, GTE, LT, LTE;

        boolean accepts(int order) {
            return switch (this) {
                case GT -> order > 0;
                case GTE -> order >= 0;
                case LT -> order < 0;
                case LTE -> order <= 0;
            };
        }
    }

    /** A missing field passes nothing; an array passes when one of its own elements does (no deeper). */
    private static boolean anyElement(JsonNode value, Predicate<JsonNode> passes) {
        if (value == null) {
            return false;
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (passes.test(element)) {
                    return true;
                }
            }
            return false;
        }
        return passes.test(value);
    }
}
