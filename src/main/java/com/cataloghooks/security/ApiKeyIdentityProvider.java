package com.cataloghooks.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns {@code Authorization: Bearer <API key>} into an identity. The bearer token is read by the JWT mechanism
 * (quarkus-smallrye-jwt), which hands it to the identity providers in priority order: this one goes first and
 * answers for every token that is not shaped like a JWT (three dot-separated parts); a JWT goes on to smallrye-jwt's
 * verifier. An unknown key fails here, so it never reaches the JWT verifier either.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    /** The identity attribute that tells how a caller authenticated ({@code api-key} or absent for a JWT). */
    public static final String CREDENTIAL_KIND = "credential-kind";
    /** The value of {@link #CREDENTIAL_KIND} for an API key. */
    public static final String API_KEY = "api-key";

    private final ApiKeys keys;

    public ApiKeyIdentityProvider(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        // before smallrye-jwt's verifier (the default priority, 1001)
        return 2000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        if (looksLikeJwt(token)) {
            return Uni.createFrom().nullItem();
        }
        return keys.find(token)
                .map(key -> Uni.createFrom().item(identity(key)))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
    }

    private static SecurityIdentity identity(ApiKey key) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(key.name()))
                .addRoles(key.roles())
                .addAttribute(CREDENTIAL_KIND, API_KEY)
                .build();
    }

    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }
}
