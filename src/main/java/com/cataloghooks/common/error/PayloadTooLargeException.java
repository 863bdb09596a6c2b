package com.cataloghooks.common.error;

import java.util.List;

/** The request body is larger than this endpoint accepts (413). */
public class PayloadTooLargeException extends ApiException {

    public PayloadTooLargeException(String field, String message) {
        super(message, List.of(new FieldError(field, message)));
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String type() {
        return "/problems/too-large";
    }

    @Override
    public String title() {
        return "Payload too large";
    }
}
