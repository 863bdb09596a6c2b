package com.cataloghooks.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start a service nobody could call: at least one API key, or a JWT issuer with its public key, must be
 * configured. The dev and test profiles configure the documented dev key; production configures its own.
 */
@ApplicationScoped
public class SecurityStartupCheck {

    private final ApiKeys keys;
    private final Config config;

    public SecurityStartupCheck(ApiKeys keys, Config config) {
        this.keys = keys;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        boolean issuer = present("mp.jwt.verify.issuer");
        boolean publicKey = present("mp.jwt.verify.publickey.location") || present("mp.jwt.verify.publickey");
        if (issuer && !publicKey) {
            throw new IllegalStateException("MP_JWT_VERIFY_ISSUER is set, but not the key that verifies its tokens: "
                    + "set MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM or JWKS file or URL) or MP_JWT_VERIFY_PUBLICKEY");
        }
        if (keys.isEmpty() && !issuer) {
            throw new IllegalStateException("No way to call the API is configured: set CATALOG_SECURITY_API_KEYS "
                    + "(entries made by scripts/new-api-key) and/or MP_JWT_VERIFY_ISSUER with "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION for tokens from an identity provider (see the README, Security)");
        }
    }

    private boolean present(String name) {
        return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank()).isPresent();
    }
}
