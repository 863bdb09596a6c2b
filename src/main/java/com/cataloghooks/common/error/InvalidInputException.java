package com.cataloghooks.common.error;

import java.util.List;

/** The request is malformed or breaks a validation rule (400); names every offending field. */
public class InvalidInputException extends ApiException {

    public InvalidInputException(List<FieldError> errors) {
        super(summary(errors), errors);
    }

    public InvalidInputException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    private static String summary(List<FieldError> errors) {
        if (errors.size() == 1) {
            return errors.get(0).field() + ": " + errors.get(0).message();
        }
        return errors.size() + " fields are invalid";
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String type() {
        return "/problems/validation";
    }

    @Override
    public String title() {
        return "Invalid request";
    }
}
