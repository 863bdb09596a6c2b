package com.cataloghooks.console;

import com.cataloghooks.console.session.ConsoleCaller;
import com.cataloghooks.console.session.ConsoleSessionIdentityProvider;
import com.cataloghooks.common.error.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The console's front door, before any page is matched:
 * <ul>
 *   <li>a person who is not signed in is sent to the sign-in page (htmx requests get {@code HX-Redirect});</li>
 *   <li>every request that changes something must come from the console's own pages: the browser's
 *       {@code Sec-Fetch-Site}/{@code Origin} must name this site, and the {@value #CSRF_HEADER} header must carry
 *       the session's token (the synchronizer-token pattern; the session cookie is also {@code SameSite=Strict});</li>
 *   <li>console answers carry a strict Content-Security-Policy and are never cached.</li>
 * </ul>
 * Roles are checked afterwards, per page and action, by the same {@code @RolesAllowed} rules as the API.
 */
public class ConsoleGuard {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance error(Problem problem);
    }

    public static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    private final CurrentIdentityAssociation identities;

    public ConsoleGuard(CurrentIdentityAssociation identities) {
        this.identities = identities;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> guard(ContainerRequestContext request, HttpServerRequest http) {
        String path = http.path();
        if (!ConsolePaths.isConsole(path)) {
            return Uni.createFrom().nullItem();
        }
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        if (!safe && !sameSite(http)) {
            return Uni.createFrom().item(refuse(403, "This request did not come from the console's own pages."));
        }
        if (path.equals(ConsolePaths.SIGN_IN)) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().map(identity -> {
            if (identity.isAnonymous()) {
                return signIn(request, http);
            }
            if (!safe && !tokenMatches(identity, request.getHeaderString(CSRF_HEADER))) {
                return refuse(403, "The page is out of date or was not opened from the console: reload it and try again.");
            }
            return null;
        });
    }

    @ServerResponseFilter
    public void harden(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (ConsolePaths.isConsole(path)) {
            // a page opened in the browser (not an htmx call, whose refusals become toasts) shows a refusal as a page
            if (response.getEntity() instanceof Problem problem && request.getHeaderString("HX-Request") == null) {
                response.setEntity(Templates.error(problem), null, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"));
            }
            response.getHeaders().putSingle("Content-Security-Policy", CSP);
            response.getHeaders().putSingle("X-Frame-Options", "DENY");
            response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
            response.getHeaders().putSingle("Referrer-Policy", "same-origin");
            if (!response.getHeaders().containsKey("Cache-Control")) {
                response.getHeaders().putSingle("Cache-Control", "no-store");
            }
        }
    }

    private static Response signIn(ContainerRequestContext request, HttpServerRequest http) {
        String next = http.uri();
        String target = ConsolePaths.SIGN_IN + (next.equals("/") ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        if (request.getHeaderString("HX-Request") != null) {
            return Response.status(401).header("HX-Redirect", target).build();
        }
        if (SAFE_METHODS.contains(request.getMethod())) {
            return Response.seeOther(URI.create(target)).build();
        }
        return refuse(401, "Sign in first.");
    }

    private static boolean tokenMatches(SecurityIdentity identity, String sent) {
        ConsoleCaller caller = identity.getAttribute(ConsoleSessionIdentityProvider.CALLER);
        return caller != null && sent != null && MessageDigest.isEqual(
                caller.csrfToken().getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    /** The browser says where the request comes from: {@code Sec-Fetch-Site} where it sends it, else {@code Origin}. */
    static boolean sameSite(HttpServerRequest http) {
        String site = http.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return site.equals("same-origin");
        }
        String origin = http.getHeader("Origin");
        if (origin == null) {
            return true; // not a browser's cross-site request: browsers send Origin on every cross-site POST
        }
        String host = http.getHeader("Host");
        try {
            URI from = URI.create(origin);
            String authority = from.getPort() < 0 ? from.getHost() : from.getHost() + ":" + from.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Response refuse(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(message).build();
    }
}
