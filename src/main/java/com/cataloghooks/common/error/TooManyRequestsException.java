package com.cataloghooks.common.error;

import java.util.List;

/** The caller has as many of these requests in progress as allowed; it should try again shortly (429). */
public class TooManyRequestsException extends ApiException {

    public TooManyRequestsException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String type() {
        return "/problems/too-many-requests";
    }

    @Override
    public String title() {
        return "Too many requests";
    }
}
