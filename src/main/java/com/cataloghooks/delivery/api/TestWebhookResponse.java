package com.cataloghooks.delivery.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the receiver did with the test request. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TestWebhookResponse(boolean success, @Schema(nullable = true) Integer statusCode, int responseTimeMs,
                                  @Schema(nullable = true) String responseBody,
                                  @Schema(nullable = true) String error) {
}
