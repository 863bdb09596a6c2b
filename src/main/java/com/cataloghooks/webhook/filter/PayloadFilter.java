package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A webhook's optional filter on an event's {@code data}, with Convoy's operator set, so that a receiver gets only the
 * events it asked for. {@link #parse} validates strictly when the webhook is saved (a bad filter is a 400 then, never
 * a surprise at delivery); {@link #matches} then only walks an immutable tree and never throws, and one parsed filter
 * may be shared by any number of threads.
 *
 * <pre>
 * {"product.sku": "A-1"}                          equality; a dotted path reaches into nested objects
 * {"price": {"$gt": 10, "$lte": 100}}             every operator in one object must hold
 * {"$or": [{"active": true}, {"tags": "sale"}]}   $and / $or at any level; several keys are an implicit AND
 * </pre>
 *
 * Operators: {@code $eq $ne $in $nin $gt $gte $lt $lte $exists}. Numbers compare by value (1 equals 1.0); a number
 * never equals or orders against a string; strings order lexicographically (fine for ISO-8601 timestamps in one
 * format). An array field passes {@code $eq}, {@code $in} and the comparisons when one of its elements does. A missing
 * field passes only {@code $ne}, {@code $nin} and {@code $exists: false}; a JSON null is present, and equals only
 * null. An empty filter {@code {}} matches everything. The caller decides what an absent filter means: {@code parse}
 * wants a JSON object.
 */
public final class PayloadFilter {

    /** Objects nested in one filter document: the root, each {@code $and}/{@code $or} entry, each operator object. */
    public static final int MAX_DEPTH = 8;
    /** Field tests in one filter, one per operator: {@code {"price": {"$gt": 1, "$lt": 9}}} counts two. */
    public static final int MAX_CONDITIONS = 64;
    /** Segments in one dotted field path. */
    public static final int MAX_PATH_SEGMENTS = 16;
    /** Values in one {@code $in} or {@code $nin} list. */
    public static final int MAX_LIST_VALUES = 256;

    private final Condition root;

    private PayloadFilter(Condition root) {
        this.root = root;
    }

    /**
     * Validates and compiles a filter document.
     *
     * @throws InvalidFilterException naming the first problem found and where it is, e.g.
     *                                {@code filter.price.$gt: must be a number or a string}
     */
    public static PayloadFilter parse(JsonNode filter) {
        return new PayloadFilter(new FilterParser().parse(filter));
    }

    /**
     * Whether an event's {@code data} passes this filter. A null or non-object {@code data} has no fields: only
     * conditions that hold for a missing field ({@code $ne}, {@code $nin}, {@code $exists: false}) pass it.
     */
    public boolean matches(JsonNode data) {
        return root.holds(data);
    }
}
