package com.cataloghooks.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.security.Principal;

/**
 * Who did what: every API request that changes something is logged at INFO with the caller's name (an API key's
 * name, a JWT's {@code upn}, {@code preferred_username} or {@code sub}), reads at DEBUG. Credentials never appear;
 * refused requests are left to {@link AuthFailures}.
 */
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    @ServerResponseFilter
    public void log(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            return; // refusals are counted and logged, rate-limited, by AuthFailures: a flood must not flood the log
        }
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (read && !LOG.isDebugEnabled()) {
            return;
        }
        Principal caller = request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
        String who = caller == null || caller.getName() == null ? "anonymous" : "'" + caller.getName() + "'";
        String path = request.getUriInfo().getPath();
        if (read) {
            LOG.debugf("%s %s -> %d by %s", method, path, status, who);
        } else {
            LOG.infof("%s %s -> %d by %s", method, path, status, who);
        }
    }
}
