package com.cataloghooks.console.session;

import com.cataloghooks.common.config.CatalogConfig;
import com.cataloghooks.console.ConsolePaths;
import com.cataloghooks.security.ApiKeyIdentityProvider;
import com.cataloghooks.security.ApiKeys;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.time.Instant;
import java.util.Set;

/**
 * Signing in and out of the console. The credential (an API key, or a JWT where an issuer is configured) is checked
 * by the same identity providers as the API's bearer credentials, once; the browser then holds only the session
 * cookie. Nothing a browser stores ever holds the credential.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SignInResource {

    @CheckedTemplate(basePath = "console/session")
    static class Templates {
        static native TemplateInstance signIn(String next, String error);
    }

    private final IdentityProviderManager identityProviders;
    private final ConsoleSessions sessions;
    private final SessionCookie cookie;
    private final SecurityIdentity current;
    private final CatalogConfig config;

    public SignInResource(IdentityProviderManager identityProviders, ConsoleSessions sessions, SessionCookie cookie,
                          SecurityIdentity current, CatalogConfig config) {
        this.identityProviders = identityProviders;
        this.sessions = sessions;
        this.cookie = cookie;
        this.current = current;
        this.config = config;
    }

    @GET
    @Path(ConsolePaths.SIGN_IN)
    @PermitAll
    public Response form(@RestQuery String next) {
        if (!current.isAnonymous()) {
            return Response.seeOther(URI.create(localPath(next))).build();
        }
        return Response.ok(Templates.signIn(localPath(next), null)).build();
    }

    @POST
    @Path(ConsolePaths.SIGN_IN)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @PermitAll
    @Blocking
    public Response signIn(@RestForm String credential, @RestForm String next) {
        String target = localPath(next);
        String presented = credential == null ? "" : credential.strip();
        SecurityIdentity identity;
        try {
            if (presented.isEmpty()) {
                throw new AuthenticationFailedException("empty credential");
            }
            identity = identityProviders.authenticateBlocking(
                    new TokenAuthenticationRequest(new JsonWebTokenCredential(presented)));
        } catch (SecurityException e) {
            return Response.status(401).entity(Templates.signIn(target,
                    "That API key or token is not valid. Check it and try again.")).build();
        }
        Instant expires = Instant.now().plus(config.console().sessionTimeout());
        boolean apiKey = ApiKeyIdentityProvider.API_KEY.equals(identity.getAttribute(ApiKeyIdentityProvider.CREDENTIAL_KIND));
        if (!apiKey && identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getExpirationTime() > 0) {
            expires = ConsoleSessions.earlier(expires, Instant.ofEpochSecond(jwt.getExpirationTime()));
        }
        ConsoleCaller caller = new ConsoleCaller(identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()),
                apiKey ? ApiKeyIdentityProvider.API_KEY : "jwt", apiKey ? ApiKeys.fingerprint(presented) : null,
                sessions.randomToken(), expires);
        String id = sessions.open(caller);
        return Response.seeOther(URI.create(target)).header(HttpHeaders.SET_COOKIE, cookie.issue(id, expires)).build();
    }

    @POST
    @Path(ConsolePaths.SIGN_OUT)
    @PermitAll
    @Blocking
    public Response signOut() {
        String id = current.getAttribute(ConsoleSessionIdentityProvider.SESSION_ID);
        if (id != null) {
            sessions.close(id);
        }
        return Response.noContent().header("HX-Redirect", ConsolePaths.SIGN_IN)
                .header(HttpHeaders.SET_COOKIE, cookie.clear()).build();
    }

    /** Only a path on this site: an open redirect would let a link sign someone in and send them elsewhere. */
    static String localPath(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.startsWith(ConsolePaths.SIGN_IN)) {
            return "/";
        }
        return next;
    }
}
