package com.cataloghooks.delivery;

/** The replica is shutting down: no new attempt starts; the delivery is handed back for a later run. */
class DeliveryHaltedException extends RuntimeException {

    DeliveryHaltedException() {
        super("replica shutting down", null, false, false);
    }
}
