package com.cataloghooks.common.web;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** One page of a list, in the shape every list endpoint answers with. */
@RegisterForReflection
public record Page<T>(List<T> items, long total, int limit, int offset, boolean hasMore) {

    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        return new Page<>(items, total, request.limit(), request.offset(),
                (long) request.offset() + items.size() < total);
    }
}
