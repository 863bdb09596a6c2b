package com.cataloghooks.delivery.state;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one way the delivery stages say "a claim now may find work": deliveries were planned or re-queued, or a
 * request slot came free. Whoever claims listens ({@code Dispatcher}); whoever makes work signals, without knowing
 * who claims, so no stage calls back into an earlier one.
 */
@ApplicationScoped
public class Wakeups {

    private volatile Runnable listener = () -> {
    };

    /** The one listener (the claimer); replaces any earlier one. */
    public void listen(Runnable listener) {
        this.listener = listener;
    }

    public void signal() {
        listener.run();
    }
}
