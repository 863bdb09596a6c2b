package com.cataloghooks.console.session;

import com.cataloghooks.security.ApiKeyIdentityProvider;
import com.cataloghooks.security.ApiKeys;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Looks a console session up (a primary-key read, off the event loop). A session opened with an API key carries
 * the key's roles as they are configured now, and ends when the key is no longer configured.
 */
@ApplicationScoped
public class ConsoleSessionIdentityProvider implements IdentityProvider<ConsoleSessionRequest> {

    /** The identity attribute holding the session's {@link ConsoleCaller}. */
    public static final String CALLER = "console-caller";
    /** The identity attribute holding the session id (signing out closes it). */
    static final String SESSION_ID = "console-session-id";

    private final ConsoleSessions sessions;
    private final ApiKeys apiKeys;

    public ConsoleSessionIdentityProvider(ConsoleSessions sessions, ApiKeys apiKeys) {
        this.sessions = sessions;
        this.apiKeys = apiKeys;
    }

    @Override
    public Class<ConsoleSessionRequest> getRequestType() {
        return ConsoleSessionRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ConsoleSessionRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            ConsoleCaller caller = sessions.find(request.sessionId())
                    .orElseThrow(() -> new AuthenticationFailedException("no such console session"));
            Set<String> roles = caller.roles();
            if (ApiKeyIdentityProvider.API_KEY.equals(caller.credential())) {
                roles = apiKeys.rolesOf(caller.credentialRef())
                        .orElseThrow(() -> new AuthenticationFailedException("the session's API key is no longer configured"));
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(caller.principal()))
                    .addRoles(roles)
                    .addAttribute(CALLER, caller)
                    .addAttribute(SESSION_ID, request.sessionId())
                    .build();
        });
    }
}
