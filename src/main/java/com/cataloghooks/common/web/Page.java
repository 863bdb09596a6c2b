package com.cataloghooks.common.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * One page of a list, in the shape every list endpoint answers with. {@code next_cursor}, where a list offers it,
 * asks for the page after this one by key rather than by offset; it is absent on the last page.
 */
@RegisterForReflection
public record Page<T>(List<T> items, long total, int limit, int offset, boolean hasMore,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {

    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.limit(), request.offset(),
                (long) request.offset() + items.size() < total, null);
    }

    public Page<T> withNextCursor(String cursor) {
        return new Page<>(items, total, limit, offset, hasMore, hasMore ? cursor : null);
    }

    public Page<T> withHasMore(boolean more) {
        return new Page<>(items, total, limit, offset, more, nextCursor);
    }
}
