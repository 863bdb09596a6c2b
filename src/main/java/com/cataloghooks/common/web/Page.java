package com.cataloghooks.common.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * One page of a list, in the shape every list endpoint answers with. {@code next_cursor}, where a list offers it,
 * asks for the page after this one by key rather than by offset; it is absent on the last page. A page read by
 * key has no {@code total}: counting every match would cost more than the page itself, at any depth.
 */
@RegisterForReflection
public record Page<T>(List<T> items, @JsonInclude(JsonInclude.Include.NON_NULL) Long total, int limit, int offset,
                      boolean hasMore,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {

    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.limit(), request.offset(),
                (long) request.offset() + items.size() < total, null);
    }

    public Page<T> withNextCursor(String cursor) {
        return new Page<>(items, total, limit, offset, hasMore, hasMore ? cursor : null);
    }

    /** A page read by key: whether more follow is known, the total is not counted. */
    public static <T> Page<T> byKey(List<T> items, PageRequest request, boolean more) {
        return new Page<>(items, null, request.limit(), 0, more, null);
    }

    /** A page read by offset without counting every match (whether more follow is known from one row more). */
    public static <T> Page<T> uncounted(List<T> items, PageRequest request, boolean more) {
        return new Page<>(items, null, request.limit(), request.offset(), more, null);
    }

    public Page<T> withHasMore(boolean more) {
        return new Page<>(items, total, limit, offset, more, nextCursor);
    }
}
