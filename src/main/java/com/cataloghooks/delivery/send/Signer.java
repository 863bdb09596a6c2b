package com.cataloghooks.delivery.send;

import com.cataloghooks.webhook.SigningSecret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HMAC-SHA256 signatures a receiver can check with nothing but its copy of the secret, keyed as
 * {@link SigningSecret#key} says (a {@code whsec_} secret's decoded bytes, any other secret's UTF-8 bytes).
 * <ul>
 * <li>{@code X-Webhook-Signature: sha256=<hex HMAC of the raw body>} (the seed's scheme);</li>
 * <li>{@code webhook-signature: v1,<base64 HMAC of "<webhook-id>.<webhook-timestamp>.<body>">}
 * (Standard Webhooks).</li>
 * </ul>
 */
public final class Signer {

    private Signer() {
    }

    public static String bodySignature(String secret, String body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret, body));
    }

    public static String standardSignature(String secret, String messageId, long timestamp, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(secret, messageId + "." + timestamp + "." + body));
    }

    private static byte[] hmac(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SigningSecret.key(secret), "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
