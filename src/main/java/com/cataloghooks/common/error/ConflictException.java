package com.cataloghooks.common.error;

import java.util.List;

/** The request clashes with the current state, e.g. a duplicate unique key (409). */
public class ConflictException extends ApiException {

    public ConflictException(String field, String message) {
        super(message, List.of(new FieldError(field, message)));
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String type() {
        return "/problems/conflict";
    }

    @Override
    public String title() {
        return "Conflict";
    }
}
