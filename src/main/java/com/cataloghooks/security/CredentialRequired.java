package com.cataloghooks.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.spi.runtime.AuthorizationFailureEvent;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

/**
 * The HTTP permission policy {@value #NAME} (application.properties puts every {@code /api} path under it): a
 * request without a credential is refused at the HTTP layer, before the REST layer matches a route, negotiates the
 * media types or reads a body, so a 401 is all it learns (not whether the path, the method, its Accept or its
 * Content-Type would have been served). The roles are still checked per endpoint ({@code @RolesAllowed}).
 * <p>
 * Quarkus's own {@code authenticated} policy would answer with the bare challenge and an empty body. Failing with
 * {@link UnauthorizedException} instead hands the request to the REST layer's exception mappers, so the answer is
 * the same {@code application/problem+json} 401 as every other refusal. The refusal is reported as the built-in
 * policies report theirs, so {@link AuthFailures} counts it.
 */
@ApplicationScoped
public class CredentialRequired implements HttpSecurityPolicy {

    public static final String NAME = "credential-required";

    private final Event<AuthorizationFailureEvent> failures;

    public CredentialRequired(Event<AuthorizationFailureEvent> failures) {
        this.failures = failures;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        return identity.onItem().transformToUni(caller -> {
            if (caller != null && !caller.isAnonymous()) {
                return CheckResult.permit();
            }
            UnauthorizedException refused = new UnauthorizedException();
            failures.fire(new AuthorizationFailureEvent(caller, refused, CredentialRequired.class.getName()));
            return Uni.createFrom().failure(refused);
        });
    }

    @Override
    public String name() {
        return NAME;
    }
}
