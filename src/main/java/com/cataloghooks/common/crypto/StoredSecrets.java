package com.cataloghooks.common.crypto;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way webhook secrets and custom header values go into and come out of the database: encrypted with
 * {@link SecretCipher}, under the purposes {@value #SECRET} and {@value #HEADER}.
 */
@ApplicationScoped
public class StoredSecrets {

    public static final String SECRET = "webhook-secret";
    public static final String HEADER = "webhook-header";
    /** What the API shows instead of a custom header's value. */
    public static final String MASK = "********";

    private final SecretCipher cipher;

    public StoredSecrets(CatalogConfig config) {
        this.cipher = SecretCipher.fromConfig(config.security().encryptionKeys().orElse(List.of()),
                config.security().activeEncryptionKey());
    }

    public SecretCipher cipher() {
        return cipher;
    }

    public String sealSecret(String secret) {
        return secret == null ? null : cipher.encrypt(secret, SECRET);
    }

    public String openSecret(String stored) {
        return stored == null ? null : cipher.decrypt(stored, SECRET);
    }

    public Map<String, String> sealHeaders(Map<String, String> headers) {
        Map<String, String> sealed = new LinkedHashMap<>();
        headers.forEach((name, value) -> sealed.put(name, cipher.encrypt(value, HEADER)));
        return sealed;
    }

    public Map<String, String> openHeaders(Map<String, String> stored) {
        Map<String, String> open = new LinkedHashMap<>();
        stored.forEach((name, value) -> open.put(name, cipher.decrypt(value, HEADER)));
        return open;
    }

    public static Map<String, String> masked(Map<String, String> headers) {
        Map<String, String> masked = new LinkedHashMap<>();
        headers.keySet().forEach(name -> masked.put(name, MASK));
        return masked;
    }
}
