package com.cataloghooks.console.playground;

import com.cataloghooks.webhook.SigningSecret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a request's signatures as a receiver would, from its headers and body alone (independently of the
 * {@code Signer} that made them): the seed's {@code X-Webhook-Signature: sha256=<hex>} and the Standard Webhooks
 * {@code webhook-signature: v1,<base64> [v1,<base64>]} over {@code <webhook-id>.<webhook-timestamp>.<body>}.
 */
public final class SignatureCheck {

    /** Which header a secret verifies; {@code note} says why an expected ✗ is expected. */
    @io.quarkus.qute.TemplateData
    public record Check(String secret, boolean seed, boolean standard, String note) {
    }

    /** The checks against each secret, or {@code problem} when there is nothing to check with. */
    @io.quarkus.qute.TemplateData
    public record Verification(String problem, List<Check> checks) {
        static Verification unavailable(String problem) {
            return new Verification(problem, List.of());
        }
    }

    private SignatureCheck() {
    }

    /**
     * @param current  the current secret (null: unsigned)
     * @param previous the secret a rotation replaced, while its grace period lasts, else null
     */
    static Verification verify(Map<String, String> headers, String body, String currentLabel, String current,
                               String previous) {
        if (current == null || current.isEmpty()) {
            return Verification.unavailable("No secret: the webhook's requests are not signed.");
        }
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        List<Check> checks = new ArrayList<>();
        checks.add(check(byName, body, current, currentLabel, null));
        if (previous != null && !previous.isEmpty()) {
            checks.add(check(byName, body, previous, "Previous secret (rotation grace period)",
                    "X-Webhook-Signature uses the new secret at once; only webhook-signature carries the previous one."));
        }
        return new Verification(null, checks);
    }

    private static Check check(Map<String, String> headers, String body, String secret, String label, String note) {
        byte[] key = SigningSecret.key(secret);
        String seedHeader = headers.get("X-Webhook-Signature");
        boolean seed = seedHeader != null && MessageDigest.isEqual(
                ("sha256=" + HexFormat.of().formatHex(hmac(key, body))).getBytes(StandardCharsets.UTF_8),
                seedHeader.getBytes(StandardCharsets.UTF_8));
        boolean standard = false;
        String id = headers.get("webhook-id");
        String timestamp = headers.get("webhook-timestamp");
        String signatures = headers.get("webhook-signature");
        if (id != null && timestamp != null && signatures != null) {
            byte[] expected = hmac(key, id + "." + timestamp + "." + body);
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,") && MessageDigest.isEqual(expected, decode(signature.substring(3)))) {
                    standard = true;
                }
            }
        }
        return new Check(label, seed, standard, seed ? null : note);
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
