package com.cataloghooks.delivery.state;

/**
 * The delivery side's place among the observers of {@code ShutdownEvent} ({@code @Priority}, lower first): the
 * consumer stops planning first, then the dispatcher stops claiming, lets attempts finish and
 * has their outcomes written, then the receivers' breakers stop, whose state the last outcomes may still move.
 */
public final class StopOrder {

    public static final int CONSUMER = 1;
    public static final int DISPATCHER = 10;
    public static final int BREAKERS = 11;

    private StopOrder() {
    }
}
