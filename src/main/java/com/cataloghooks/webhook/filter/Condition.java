package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A parsed filter node. Immutable once built, so one tree serves every delivery thread at once. */
sealed interface Condition {

    boolean holds(JsonNode data);

    /** {@code $and}, and the several keys of one filter object. An empty list holds: {@code {}} matches everything. */
    record All(List<Condition> parts) implements Condition {
        public All {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean holds(JsonNode data) {
            for (Condition part : parts) {
                if (!part.holds(data)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code $or}; the parser never builds an empty one. */
    record Any(List<Condition> parts) implements Condition {
        public Any {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean holds(JsonNode data) {
            for (Condition part : parts) {
                if (part.holds(data)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One operator on one field: {@code {"price": {"$gt": 10, "$lte": 100}}} becomes two of these under an All. */
    record OnField(FieldPath path, Operator operator) implements Condition {
        @Override
        public boolean holds(JsonNode data) {
            return operator.test(path.resolve(data));
        }
    }
}
