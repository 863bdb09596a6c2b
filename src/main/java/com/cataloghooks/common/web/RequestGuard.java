package com.cataloghooks.common.web;

import com.cataloghooks.common.error.InvalidInputException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses what no endpoint can mean, before any endpoint runs: a query parameter given twice (every parameter
 * here is a single value; silently taking one of them hides a client bug) or holding a NUL (the database cannot
 * compare it), a request body without a Content-Type (it would otherwise be read as JSON by guesswork), and a JSON
 * body that announces more than {@link JsonBodyLimit#MAX_BYTES} (one without a length is counted as it is read, by
 * {@link JsonBodyLimit}).
 */
public class RequestGuard {

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
        if (JsonBodyLimit.appliesTo(request.getMediaType()) && request.getLength() > JsonBodyLimit.MAX_BYTES) {
            throw JsonBodyLimit.tooLarge();
        }
    }

    /** Whether the request announces a body (a length above zero, or chunks). */
    static boolean hasBody(ContainerRequestContext request) {
        return request.getLength() > 0 || request.getHeaderString("Transfer-Encoding") != null;
    }
}
