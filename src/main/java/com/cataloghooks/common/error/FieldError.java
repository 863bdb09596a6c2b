package com.cataloghooks.common.error;

/** One rejected input: the JSON field, query parameter or path segment, and what is wrong with it. */
public record FieldError(String field, String message) {
}
