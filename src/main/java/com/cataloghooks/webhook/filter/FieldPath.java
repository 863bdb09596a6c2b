package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A dotted field name such as {@code product.sku}, split once at parse time. It steps only into objects: a path that
 * meets an array, a scalar or an absent key before its last segment names a missing field. (Mongo would fan out over
 * arrays of objects; we do not, so every path names at most one value.)
 */
record FieldPath(List<String> segments) {

    FieldPath {
        segments = List.copyOf(segments);
    }

    /** The value at this path in {@code data}; {@code null} when the field is missing. A JSON null is a value. */
    JsonNode resolve(JsonNode data) {
        JsonNode current = data;
        for (String segment : segments) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(segment);
        }
        return current;
    }
}
