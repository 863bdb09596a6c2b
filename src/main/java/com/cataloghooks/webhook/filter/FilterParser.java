package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static com.cataloghooks.webhook.filter.PayloadFilter.MAX_CONDITIONS;
import static com.cataloghooks.webhook.filter.PayloadFilter.MAX_DEPTH;
import static com.cataloghooks.webhook.filter.PayloadFilter.MAX_LIST_VALUES;
import static com.cataloghooks.webhook.filter.PayloadFilter.MAX_PATH_SEGMENTS;

/**
 * Turns a filter document into a {@link Condition} tree, refusing anything it would not evaluate exactly as written.
 * Everything that can be wrong with a filter is found here, once, when the webhook is saved; evaluation never fails.
 * One instance per document: it counts the conditions it has built.
 */
final class FilterParser {

    private static final String FIELD_OPERATORS = "$eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists";

    private int conditions;

    Condition parse(JsonNode filter) {
        if (filter == null || !filter.isObject()) {
            throw new InvalidFilterException("filter", "must be a JSON object");
        }
        return parseObject(filter, "filter", 1);
    }

    /** A filter object: field keys and {@code $and}/{@code $or}, all of which must hold. */
    private Condition parseObject(JsonNode object, String location, int depth) {
        checkDepth(location, depth);
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            String at = location + "." + key;
            switch (key) {
                case "$and" -> parts.add(new Condition.All(parseList(value, at, depth)));
                case "$or" -> parts.add(new Condition.Any(parseList(value, at, depth)));
                default -> {
                    if (key.startsWith("$")) {
                        throw new InvalidFilterException(at, "unknown operator (supported here: $and, $or; "
                                + "field operators go in an object under a field, e.g. {\"price\": {\"$gt\": 10}})");
                    }
                    parseField(key, value, location, depth, parts);
                }
            }
        }
        return parts.size() == 1 ? parts.get(0) : new Condition.All(parts);
    }

    /** The array under {@code $and} or {@code $or}. */
    private List<Condition> parseList(JsonNode array, String location, int depth) {
        if (!array.isArray() || array.isEmpty()) {
            throw new InvalidFilterException(location, "must be a non-empty array of objects");
        }
        List<Condition> parts = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String at = location + "[" + i + "]";
            if (!element.isObject() || element.isEmpty()) {
                throw new InvalidFilterException(at, "must be a non-empty object");
            }
            parts.add(parseObject(element, at, depth + 1));
        }
        return parts;
    }

    /** {@code "field": scalar} or {@code "field": {"$op": argument, ...}}; adds one condition per operator. */
    private void parseField(String key, JsonNode value, String parent, int depth, List<Condition> parts) {
        String location = parent + "." + (key.isEmpty() ? "\"\"" : key);
        FieldPath path = parsePath(key, location);
        if (value.isArray()) {
            throw new InvalidFilterException(location, "an array is not an equality value; "
                    + "use {\"$in\": [...]} to match any of several values");
        }
        if (!value.isObject()) {
            parts.add(onField(path, new Operator.Eq(scalar(value, location)), location));
            return;
        }
        if (!isOperatorObject(value)) {
            throw new InvalidFilterException(location, "a nested object is not an equality value; use a dotted path "
                    + "or an operator object, e.g. {\"a.b\": 1} or {\"a\": {\"$eq\": 1}}");
        }
        checkDepth(location, depth + 1);
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            String name = entry.getKey();
            String at = location + "." + name;
            if (!name.startsWith("$")) {
                // {"product": {"$exists": true, "sku": "A-1"}} is ambiguous: refuse rather than guess
                throw new InvalidFilterException(at, "an operator object holds only operators; "
                        + "use a dotted path (\"" + key + "." + name + "\") for a nested field");
            }
            parts.add(onField(path, parseOperator(name, entry.getValue(), at), at));
        }
    }

    /** An object with no {@code $} key is a nested document, not a set of operators. */
    private static boolean isOperatorObject(JsonNode object) {
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            if (entry.getKey().startsWith("$")) {
                return true;
            }
        }
        return false;
    }

    private static Operator parseOperator(String name, JsonNode argument, String location) {
        return switch (name) {
            case "$eq" -> new Operator.Eq(scalar(argument, location));
            case "$ne" -> new Operator.Ne(new Operator.Eq(scalar(argument, location)));
            case "$in" -> new Operator.In(scalars(argument, location));
            case "$nin" -> new Operator.Nin(new Operator.In(scalars(argument, location)));
            case "$gt" -> new Operator.Compare(Operator.Bound.GT, orderable(argument, location));
            case "$gte" -> new Operator.Compare(Operator.Bound.GTE, orderable(argument, location));
            case "$lt" -> new Operator.Compare(Operator.Bound.LT, orderable(argument, location));
            case "$lte" -> new Operator.Compare(Operator.Bound.LTE, orderable(argument, location));
            case "$exists" -> {
                if (!argument.isBoolean()) {
                    throw new InvalidFilterException(location, "must be true or false");
                }
                yield new Operator.Exists(argument.booleanValue());
            }
            default -> throw new InvalidFilterException(location,
                    "unknown operator (supported: " + FIELD_OPERATORS + ")");
        };
    }

    private static FieldPath parsePath(String key, String location) {
        if (key.isEmpty()) {
            throw new InvalidFilterException(location, "field name must not be empty");
        }
        List<String> segments = Arrays.asList(key.split("\\.", -1));
        if (segments.contains("")) {
            throw new InvalidFilterException(location, "field path has an empty segment (a leading, trailing or "
                    + "doubled '.')");
        }
        if (segments.size() > MAX_PATH_SEGMENTS) {
            throw new InvalidFilterException(location, "field path has more than " + MAX_PATH_SEGMENTS + " segments");
        }
        return new FieldPath(segments);
    }

    private static JsonNode scalar(JsonNode value, String location) {
        if (!Scalars.isScalar(value)) {
            throw new InvalidFilterException(location, "must be a string, a number, a boolean or null");
        }
        return finite(value, location);
    }

    private static List<JsonNode> scalars(JsonNode array, String location) {
        if (!array.isArray() || array.isEmpty()) {
            throw new InvalidFilterException(location, "must be a non-empty array of strings, numbers, booleans "
                    + "or nulls");
        }
        if (array.size() > MAX_LIST_VALUES) {
            throw new InvalidFilterException(location, "must hold at most " + MAX_LIST_VALUES + " values");
        }
        List<JsonNode> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            values.add(scalar(array.get(i), location + "[" + i + "]"));
        }
        return values;
    }

    private static JsonNode orderable(JsonNode value, String location) {
        if (!value.isNumber() && !value.isTextual()) {
            throw new InvalidFilterException(location, "must be a number or a string");
        }
        return finite(value, location);
    }

    /** Only a lenient parser makes NaN or an infinity; neither compares the way a reader of the filter expects. */
    private static JsonNode finite(JsonNode value, String location) {
        if (value.isNumber() && !Scalars.isFinite(value)) {
            throw new InvalidFilterException(location, "must be a finite number");
        }
        return value;
    }

    private Condition onField(FieldPath path, Operator operator, String location) {
        conditions++;
        if (conditions > MAX_CONDITIONS) {
            throw new InvalidFilterException(location, "the filter has more than " + MAX_CONDITIONS
                    + " conditions");
        }
        return new Condition.OnField(path, operator);
    }

    private static void checkDepth(String location, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidFilterException(location, "objects nest more than " + MAX_DEPTH + " deep");
        }
    }
}
