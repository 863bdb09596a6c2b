package com.cataloghooks.delivery.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An attempt's request headers as {@code webhook_logs.request_headers} keeps them: a JSON object in sending order
 * (text, so the order survives), custom header values already masked by the sender.
 */
public final class RequestHeaders {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };

    private RequestHeaders() {
    }

    /** The column's text for {@code headers} (null stays null: not recorded). */
    public static String toJson(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request headers cannot be written as JSON", e);
        }
    }

    /** The headers the column's text holds, in sending order; null when not recorded. */
    public static Map<String, String> fromJson(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Collections.unmodifiableMap(JSON.readValue(json, MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook_logs.request_headers is not a JSON object of strings", e);
        }
    }
}
