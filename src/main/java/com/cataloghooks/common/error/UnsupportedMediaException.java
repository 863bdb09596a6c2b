package com.cataloghooks.common.error;

import java.util.List;

/** The request body is of a type this endpoint does not read (415). */
public class UnsupportedMediaException extends ApiException {

    public UnsupportedMediaException(String field, String message) {
        super(message, List.of(new FieldError(field, message)));
    }

    @Override
    public int status() {
        return 415;
    }

    @Override
    public String type() {
        return "/problems/unsupported-media-type";
    }

    @Override
    public String title() {
        return "Unsupported media type";
    }
}
