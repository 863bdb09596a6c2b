package com.cataloghooks.webhook.api;

import java.util.Map;

/** One entry of the event catalog. */
public record EventTypeResponse(String event, String description, Map<String, Object> examplePayload) {
}
