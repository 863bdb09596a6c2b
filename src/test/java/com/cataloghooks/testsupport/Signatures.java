package com.cataloghooks.testsupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/** What a receiver computes to check a delivery: written from the README, independent of the service's code. */
public final class Signatures {

    private Signatures() {
    }

    public static String expectedBodySignature(String secret, byte[] rawBody) {
        return "sha256=" + HexFormat.of().formatHex(hmac(key(secret), rawBody));
    }

    /** As the README says: a {@code whsec_} secret's key is its base64 part decoded; any other, its UTF-8 bytes. */
    static byte[] key(String secret) {
        return secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    public static String expectedStandardSignature(String secret, String id, String timestamp, byte[] rawBody) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + rawBody.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(rawBody, 0, content, prefix.length, rawBody.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), content));
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
