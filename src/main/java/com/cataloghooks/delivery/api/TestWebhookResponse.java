package com.cataloghooks.delivery.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the receiver did with the test request. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TestWebhookResponse(boolean success, Integer statusCode, int responseTimeMs, String responseBody,
                                  String error) {
}
