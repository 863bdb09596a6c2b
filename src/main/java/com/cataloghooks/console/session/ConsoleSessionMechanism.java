package com.cataloghooks.console.session;

import com.cataloghooks.console.ConsolePaths;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Authenticates console pages from the session cookie. It never answers for {@code /api}: the API takes bearer
 * credentials only, so a browser's cookie cannot be used to call it from another site. A cookie that does not open
 * or names no live session leaves the request anonymous; the console then asks the person to sign in.
 */
@ApplicationScoped
public class ConsoleSessionMechanism implements HttpAuthenticationMechanism {

    private final SessionCookie cookie;

    public ConsoleSessionMechanism(SessionCookie cookie) {
        this.cookie = cookie;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!ConsolePaths.isConsole(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        Cookie sent = context.request().getCookie(cookie.name());
        if (sent == null) {
            return Uni.createFrom().nullItem();
        }
        return cookie.open(sent.getValue())
                .map(id -> identityProviderManager
                        .authenticate(HttpSecurityUtils.setRoutingContextAttribute(new ConsoleSessionRequest(id), context))
                        .onFailure().recoverWithNull())
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    /**
     * Only a console page is answered with the sign-in page; everything else ({@code /api}, {@code /q/metrics} when
     * it asks for a credential) keeps the bearer challenge of the other mechanism, a 401.
     */
    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        if (!ConsolePaths.isConsole(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(new ChallengeData(303, "Location", ConsolePaths.SIGN_IN));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ConsoleSessionRequest.class);
    }
}
