package com.cataloghooks.delivery.api;

/** How the API describes an attempt's {@code request_headers}, said once for every answer that shows them. */
final class RequestHeadersDoc {

    static final String TEXT = "The request's headers exactly as sent with this attempt, in sending order (signatures"
            + " and webhook-timestamp included); custom header values are secrets and shown as ********. Null for"
            + " attempts logged before headers were recorded.";

    private RequestHeadersDoc() {
    }
}
