package com.cataloghooks.delivery;

/** Another replica took the delivery over (our lease expired): this replica stops working on it. */
class LeaseLostException extends RuntimeException {

    LeaseLostException() {
        super("delivery lease lost", null, false, false);
    }
}
