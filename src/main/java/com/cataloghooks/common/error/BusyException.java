package com.cataloghooks.common.error;

import java.util.List;

/** The service has too much of this work waiting already; the client should try again later (503). */
public class BusyException extends ApiException {

    public BusyException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String type() {
        return "/problems/busy";
    }

    @Override
    public String title() {
        return "Service busy";
    }
}
