package com.cataloghooks.webhook;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * What a webhook secret means as an HMAC key. A secret in the Standard Webhooks form {@code whsec_<base64>} is the
 * decoded bytes, as the spec and its libraries read it; any other secret is its UTF-8 bytes (the seed's behaviour).
 * Secrets the service makes are always {@code whsec_} + 32 random bytes.
 */
public final class SigningSecret {

    public static final String PREFIX = "whsec_";
    /** The spec's bounds on the decoded key. */
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;
    private static final int GENERATED_KEY_BYTES = 32;

    private SigningSecret() {
    }

    /**
     * The HMAC key of a secret. A {@code whsec_} secret that does not decode (stored before the service checked
     * them) keeps being used as text, so its receivers keep verifying.
     */
    public static byte[] key(String secret) {
        if (secret.startsWith(PREFIX) && problemWith(secret) == null) {
            return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Why a secret cannot be used, or null. Only the {@code whsec_} form has rules beyond its length. */
    static String problemWith(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return "a secret starting with 'whsec_' must continue with standard base64 (the HMAC key)";
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            return "a 'whsec_' secret's key must be " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes, not "
                    + key.length;
        }
        return null;
    }

    /** A new secret in the Standard Webhooks form. */
    static String generate(SecureRandom random) {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        random.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }
}
