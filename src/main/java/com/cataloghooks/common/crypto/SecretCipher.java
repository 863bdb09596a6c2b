package com.cataloghooks.common.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Encrypts values stored at rest (webhook secrets, custom header values) with AES-256-GCM. A stored value reads
 * {@code gcm1:<key id>:<base64url(12-byte nonce | ciphertext | tag)>}: the key id travels with each value, so keys
 * can rotate (add a key, make it active, let {@code SecretReencryption} rewrite old rows, then drop the old key).
 * Each value is bound to its purpose (additional authenticated data), so a secret's ciphertext copied into a header
 * does not decrypt there.
 * <p>
 * A plain class, not a bean: the Flyway migration that encrypts rows written before encryption uses it too.
 */
public final class SecretCipher {

    private static final String FORMAT = "gcm1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final Map<String, SecretKeySpec> keys;
    private final String activeId;
    // per instance, made at run time: a static one would be seeded when the native image is built
    private final SecureRandom random = new SecureRandom();

    private SecretCipher(Map<String, SecretKeySpec> keys, String activeId) {
        this.keys = keys;
        this.activeId = activeId;
    }

    /**
     * From {@code catalog.security.encryption-keys} ({@code <id>:<32 bytes, base64>}, comma-separated) and
     * {@code catalog.security.active-encryption-key}; refuses a bad configuration with a message naming the setting.
     */
    public static SecretCipher fromConfig(List<String> entries, Optional<String> active) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String id = colon < 0 ? "" : entry.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("catalog.security.encryption-keys: each entry must be "
                        + "<id>:<32 random bytes in base64>, the id 1 to 32 letters, digits, '.', '_' or '-'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("catalog.security.encryption-keys: key '" + id + "' is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("catalog.security.encryption-keys: key '" + id + "' must be 32 bytes "
                        + "(e.g. openssl rand -base64 32), not " + key.length);
            }
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException("catalog.security.encryption-keys: key id '" + id + "' is used twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("catalog.security.encryption-keys (CATALOG_SECURITY_ENCRYPTION_KEYS) is "
                    + "required: it encrypts webhook secrets at rest. Set it to <id>:<key>, the key made with "
                    + "'openssl rand -base64 32'");
        }
        String activeId = active.map(String::strip).filter(s -> !s.isEmpty()).orElse(keys.keySet().iterator().next());
        if (!keys.containsKey(activeId)) {
            throw new IllegalArgumentException("catalog.security.active-encryption-key '" + activeId
                    + "' is not among catalog.security.encryption-keys");
        }
        return new SecretCipher(Map.copyOf(keys), activeId);
    }

    public String activeKeyId() {
        return activeId;
    }

    public java.util.Set<String> keyIds() {
        return keys.keySet();
    }

    public String encrypt(String plaintext, String purpose) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return FORMAT + ":" + activeId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /**
     * @throws IllegalStateException when the value is not in the stored form, names a key that is not configured,
     *                               or does not authenticate (tampered, or stored for another purpose)
     */
    public String decrypt(String stored, String purpose) {
        String[] parts = stored.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(FORMAT)) {
            throw new IllegalStateException("a stored secret is not encrypted (" + purpose + ")");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalStateException("a stored secret is encrypted with key '" + parts[1]
                    + "', which catalog.security.encryption-keys no longer lists");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret does not decrypt with key '" + parts[1] + "' (" + purpose + ")");
        }
    }
}
