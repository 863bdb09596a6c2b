package com.cataloghooks.common.error;

import java.util.List;

/** A failure the client caused or must know about; rendered as problem+json by {@link ProblemMapper}. */
public abstract class ApiException extends RuntimeException {

    private final List<FieldError> errors;

    protected ApiException(String detail, List<FieldError> errors) {
        super(detail);
        this.errors = List.copyOf(errors);
    }

    public abstract int status();

    public abstract String type();

    public abstract String title();

    public List<FieldError> errors() {
        return errors;
    }
}
