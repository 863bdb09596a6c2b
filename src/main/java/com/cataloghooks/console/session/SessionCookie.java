package com.cataloghooks.console.session;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.common.crypto.StoredSecrets;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The console's session cookie: the session id sealed with the service's encryption keys (AES-GCM, so it is both
 * secret and tamper-proof, and any replica opens it), {@code HttpOnly}, {@code SameSite=Strict}, and {@code Secure}
 * with the {@code __Host-} prefix unless {@code catalog.console.secure-cookie} is off.
 */
@ApplicationScoped
public class SessionCookie {

    private static final String PURPOSE = "console-session";

    private final StoredSecrets secrets;
    private final boolean secure;
    private final String name;

    public SessionCookie(StoredSecrets secrets, CatalogConfig config) {
        this.secrets = secrets;
        this.secure = config.console().secureCookie();
        this.name = secure ? "__Host-catalog_session" : "catalog_session";
    }

    public String name() {
        return name;
    }

    /** The {@code Set-Cookie} value that keeps the session until {@code expiresAt}. */
    String issue(String sessionId, Instant expiresAt) {
        long maxAge = Math.max(0, Duration.between(Instant.now(), expiresAt).toSeconds());
        return attributes(secrets.cipher().encrypt(sessionId, PURPOSE), maxAge);
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    String clear() {
        return attributes("", 0);
    }

    /** The session id, or empty when the cookie was not made here (tampered, or sealed with a key since removed). */
    Optional<String> open(String value) {
        try {
            return Optional.of(secrets.cipher().decrypt(value, PURPOSE));
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    private String attributes(String value, long maxAge) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
