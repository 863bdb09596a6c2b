package com.cataloghooks.common.error;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One rejected input: the JSON field, query parameter or path segment, and what is wrong with it. */
@RegisterForReflection
public record FieldError(String field, String message) {
}
