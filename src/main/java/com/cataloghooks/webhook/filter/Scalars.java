package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Equality and order between JSON scalars as the filter sees them. Numbers compare by value whatever their JSON
 * spelling or Jackson node type (1, 1.0 and 1e0 are equal); a number never equals or orders against a string.
 */
final class Scalars {

    private Scalars() {
    }

    /** A filter value may be a string, a number, a boolean or null; objects and arrays are not scalars. */
    static boolean isScalar(JsonNode node) {
        return node.isTextual() || node.isNumber() || node.isBoolean() || node.isNull();
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            Integer order = compareNumbers(a, b);
            return order != null && order == 0;
        }
        if (a.isTextual() && b.isTextual()) {
            return a.textValue().equals(b.textValue());
        }
        if (a.isBoolean() && b.isBoolean()) {
            return a.booleanValue() == b.booleanValue();
        }
        return a.isNull() && b.isNull();
    }

    /**
     * The order of {@code value} against {@code bound} (negative, zero, positive), or {@code null} when the two do not
     * order: only two numbers or two strings do. Strings order by UTF-16 code unit, which sorts ISO-8601 timestamps
     * written in one format and time zone chronologically.
     */
    static Integer compare(JsonNode value, JsonNode bound) {
        if (value.isNumber() && bound.isNumber()) {
            return compareNumbers(value, bound);
        }
        if (value.isTextual() && bound.isTextual()) {
            return Integer.signum(value.textValue().compareTo(bound.textValue()));
        }
        return null;
    }

    /** {@code null} for NaN, which orders against nothing. */
    private static Integer compareNumbers(JsonNode a, JsonNode b) {
        if (isFinite(a) && isFinite(b)) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        // an infinity from a lenient parser: BigDecimal cannot hold it, a double can
        double x = a.doubleValue();
        double y = b.doubleValue();
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return null;
        }
        return Double.compare(x, y);
    }

    static boolean isFinite(JsonNode number) {
        return !number.isFloatingPointNumber() || number.isBigDecimal() || Double.isFinite(number.doubleValue());
    }
}
