package com.cataloghooks.product.api;

/** Shared text constraints: SKUs and names are single-line, printable identifiers. */
final class TextRules {

    static final String NO_CONTROL = "[^\\p{Cntrl}]*";
    static final String NO_CONTROL_MESSAGE = "must not contain line breaks or control characters";

    private TextRules() {
    }
}
