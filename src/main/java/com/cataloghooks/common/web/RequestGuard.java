package com.cataloghooks.common.web;

import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.PayloadTooLargeException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses what no endpoint can mean, before any endpoint runs: a query parameter given twice (every parameter
 * here is a single value; silently taking one of them hides a client bug) or holding a NUL (the database cannot
 * compare it), a request body without a Content-Type (it would otherwise be read as JSON by guesswork), and a JSON
 * body over 10 MiB (the HTTP layer's own limit is set high for CSV uploads).
 */
public class RequestGuard {

    /** JSON bodies are read whole; only uploads (CSV) may be larger. */
    private static final long JSON_BODY_LIMIT = 10L * 1024 * 1024;

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    @ServerRequestFilter(preMatching = true)
    public void guard(ContainerRequestContext request) {
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            if (parameter.getValue().size() > 1) {
                throw new InvalidInputException(parameter.getKey(), "must be given at most once");
            }
            if (parameter.getValue().stream().anyMatch(v -> v != null && v.indexOf('\0') >= 0)) {
                throw new InvalidInputException(parameter.getKey(), "must not contain the NUL character");
            }
        }
        if (WITH_BODY.contains(request.getMethod()) && request.getMediaType() == null && hasBody(request)) {
            throw new NotSupportedException("a request body needs a Content-Type: send application/json");
        }
        if (request.getMediaType() != null && request.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE)
                && request.getLength() > JSON_BODY_LIMIT) {
            throw new PayloadTooLargeException("body", "a JSON body may have at most " + JSON_BODY_LIMIT + " bytes");
        }
    }

    private static boolean hasBody(ContainerRequestContext request) {
        return request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
    }
}
