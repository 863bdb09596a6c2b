package com.cataloghooks.delivery.state;

import java.util.Map;
import java.util.UUID;

/**
 * A delivery this replica has just claimed, for the attempt numbered {@code attempt}; its webhook's secret and
 * header values decrypted ({@code SecretReencryption} checks at startup that every stored value decrypts; should
 * one not, {@code unreadable} says why, and the delivery is not sent).
 */
public record Claimed(UUID id, UUID token, int attempt, UUID eventId, String eventType, String body, UUID webhookId,
                      String url, String secret, Map<String, String> headers, int timeoutSeconds, int retryCount,
                      String previousSecret, boolean rateLimited, String unreadable) {

    /** How many attempts the delivery may have: the first and its webhook's {@code retry_count}. */
    public int maxAttempts() {
        return 1 + retryCount;
    }

    @Override
    public String toString() {
        return "Claimed[id=" + id + ", webhook=" + webhookId + ", attempt=" + attempt + "]";
    }
}
