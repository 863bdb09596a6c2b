package com.cataloghooks.webhook;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What sending to a webhook needs, secrets decrypted: for the delivery side only, never for an API response.
 *
 * @param secret         the signing secret, or null when deliveries are unsigned
 * @param previousSecret the secret the last rotation replaced, while it still signs; else null
 * @param headers        custom headers with their real values
 */
public record WebhookTarget(UUID id, String url, List<String> events, String secret, String previousSecret,
                            Map<String, String> headers, int timeoutSeconds) {

    @Override
    public String toString() {
        // a record prints every component: this one must not print its secrets into a log
        return "WebhookTarget[id=" + id + ", url=" + url + "]";
    }
}
