package com.cataloghooks.delivery.send;

import com.cataloghooks.common.crypto.StoredSecrets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One HTTP POST to a receiver, headers and signature included.
 *
 * @param headers       in sending order: the custom ones, then the service's
 * @param customHeaders the names of the webhook's custom headers, whose values are secrets at rest
 */
record OutgoingRequest(String url, Map<String, String> headers, String body, int timeoutSeconds,
                       Set<String> customHeaders) {

    /**
     * The headers as an attempt's log keeps them: every name in sending order with its value as sent, except the
     * custom headers' values, which are secrets at rest and kept as {@link StoredSecrets#MASK}. The timestamp and
     * the signatures are no secret (a signature proves nothing about another body or time) and are kept.
     */
    Map<String, String> recordedHeaders() {
        Map<String, String> recorded = new LinkedHashMap<>(headers);
        customHeaders.forEach(name -> recorded.computeIfPresent(name, (n, value) -> StoredSecrets.MASK));
        return Collections.unmodifiableMap(recorded);
    }

    @Override
    public String toString() {
        // custom header values are secrets at rest: never print them
        return "OutgoingRequest[url=" + url + ", headers=" + headers.keySet() + "]";
    }

    static final String USER_AGENT = "FulFil-Webhook/1.0";

    /**
     * @param secret         the signing secret, or null for an unsigned request
     * @param previousSecret the secret a rotation replaced, while its grace period lasts (else null): it signs too,
     *                       as a second {@code webhook-signature}, so receivers can switch secrets at their pace
     * @param timestamp      when this attempt is made (epoch seconds), as Standard Webhooks wants it per attempt
     */
    static OutgoingRequest build(String url, String secret, String previousSecret, Map<String, String> customHeaders,
                                 UUID eventId, String eventType, String body, int timeoutSeconds, long timestamp) {
        Map<String, String> headers = new LinkedHashMap<>(customHeaders);
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Webhook-Event", eventType);
        headers.put("webhook-id", eventId.toString());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        if (secret != null && !secret.isEmpty()) {
            headers.put("X-Webhook-Signature", Signer.bodySignature(secret, body));
            String signatures = Signer.standardSignature(secret, eventId.toString(), timestamp, body);
            if (previousSecret != null && !previousSecret.isEmpty()) {
                signatures += " " + Signer.standardSignature(previousSecret, eventId.toString(), timestamp, body);
            }
            headers.put("webhook-signature", signatures);
        }
        return new OutgoingRequest(url, headers, body, timeoutSeconds, Set.copyOf(customHeaders.keySet()));
    }
}
