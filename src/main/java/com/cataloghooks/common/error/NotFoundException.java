package com.cataloghooks.common.error;

import java.util.List;

/** The addressed resource does not exist (404). */
public class NotFoundException extends ApiException {

    public NotFoundException(String what, String id) {
        super(what + " '" + id + "' does not exist", List.of());
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String type() {
        return "/problems/not-found";
    }

    @Override
    public String title() {
        return "Not found";
    }
}
