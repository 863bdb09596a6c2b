package com.cataloghooks.common.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import com.cataloghooks.common.db.TransientDatabaseFailure;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one place where failures become {@code application/problem+json}. Client mistakes name the offending field;
 * server faults say nothing about internals (no class names, no stack traces).
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** What every 503 asks a client to wait: about the time a database restart or a busy queue takes to clear. */
    static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return problem(e.status(), e.type(), e.title(), e.getMessage(), e.errors());
    }

    @ServerExceptionMapper
    public Response violations(ConstraintViolationException e) {
        return violationProblem(e);
    }

    /** Quarkus throws this subtype for endpoint parameters; mapped explicitly so its built-in format never leaks. */
    @ServerExceptionMapper
    public Response endpointViolations(ResteasyReactiveViolationException e) {
        return violationProblem(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        FieldError error = describe(e);
        return problem(400, "/problems/malformed-body", "Malformed request body", error.field() + ": " + error.message(),
                List.of(error));
    }

    // Quarkus ships its own mappers for these subtypes (plain JSON, no field names): the most specific mapper
    // wins, so each is claimed here explicitly.

    @ServerExceptionMapper
    public Response jsonParse(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response jsonMapping(JsonMappingException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response unrecognizedProperty(UnrecognizedPropertyException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return json(json);
            }
        }
        if (status >= 500) {
            LOG.error("request failed", e);
            return problem(status, "about:blank", reason(status), "The server could not complete the request", List.of());
        }
        return problem(status, "about:blank", reason(status), httpDetail(status), List.of());
    }

    /** No credential: RFC 6750's challenge, so a client knows a bearer token is expected. */
    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.UnauthorizedException e) {
        return unauthorized("Send an API key or a JWT as 'Authorization: Bearer <credential>'", "Bearer");
    }

    /** A credential that is unknown, expired or does not verify; which of these is not told. */
    @ServerExceptionMapper
    public Response badCredential(io.quarkus.security.AuthenticationFailedException e) {
        return unauthorized("The bearer credential is not valid", "Bearer error=\"invalid_token\"");
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return problem(403, "/problems/forbidden", "Forbidden",
                "The credential is valid, but its roles do not allow this request", List.of());
    }

    private static Response unauthorized(String detail, String challenge) {
        return Response.fromResponse(problem(401, "/problems/unauthorized", "Unauthorized", detail, List.of()))
                .header("WWW-Authenticate", challenge).build();
    }

    @ServerExceptionMapper
    public Response databaseDown(JDBCConnectionException e) {
        return databaseUnavailable(e);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        Throwable databaseDown = TransientDatabaseFailure.find(e);
        if (databaseDown != null) {
            return databaseUnavailable(databaseDown);
        }
        if (find(e, t -> t instanceof org.hibernate.StaleStateException
                || t instanceof jakarta.persistence.OptimisticLockException, 0) != null) {
            return problem(409, "/problems/conflict", "Conflict",
                    "The resource was changed or deleted by another request meanwhile; read it again", List.of());
        }
        Throwable json = find(e, t -> t instanceof JsonProcessingException, 0);
        if (json != null) {
            return json((JsonProcessingException) json);
        }
        LOG.error("unexpected failure", e);
        return problem(500, "about:blank", "Internal Server Error", "The server could not complete the request",
                List.of());
    }

    /** Searches causes and suppressed exceptions: a failed commit hides the database's answer among the latter. */
    private static Throwable find(Throwable e, java.util.function.Predicate<Throwable> wanted, int depth) {
        if (e == null || depth > 10) {
            return null;
        }
        if (wanted.test(e)) {
            return e;
        }
        for (Throwable suppressed : e.getSuppressed()) {
            Throwable found = find(suppressed, wanted, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return e.getCause() == e ? null : find(e.getCause(), wanted, depth + 1);
    }

    /** Unreachable, restarting, overloaded or out of pooled connections: the request may well succeed later. */
    private static Response databaseUnavailable(Throwable e) {
        LOG.warn("database unavailable: " + e.getMessage());
        return problem(503, "/problems/unavailable", "Service unavailable",
                "The database cannot be reached; retry later", List.of());
    }

    private Response violationProblem(ConstraintViolationException e) {
        return api(new InvalidInputException(Violations.fieldErrors(e.getConstraintViolations())));
    }

    static Response problem(int status, String type, String title, String detail, List<FieldError> errors) {
        Response.ResponseBuilder response = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, errors));
        if (status == 503) {
            response.header("Retry-After", RETRY_AFTER_SECONDS);
        } else if (status == 429) {
            response.header("Retry-After", 1);
        }
        return response.build();
    }

    /** {@code create.request.retryCount} becomes {@code retry_count}; {@code events[2]} keeps its index. */
    static String fieldOf(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY) {
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(JsonNames.snakeCase(node.getName()));
            } else if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if (node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                } else if (node.getKey() != null) {
                    field.append('[').append(node.getKey()).append(']');
                }
            }
            if (node.getKind() != ElementKind.CONTAINER_ELEMENT && node.isInIterable() && node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
        }
        if (field.length() == 0) {
            // only request bodies are validated as whole parameters; query parameters are checked by hand
            return "body";
        }
        return field.toString();
    }

    private static FieldError describe(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return new FieldError("body", "is not valid JSON");
        }
        if (e.getMessage() != null && e.getMessage().contains("end-of-input")) {
            return new FieldError("body", "is not valid JSON: it ends too early");
        }
        if (e instanceof JsonMappingException mapping) {
            String field = JsonNames.pathOf(mapping.getPath());
            if (e instanceof UnrecognizedPropertyException unknown) {
                return new FieldError(field, "is not a known field");
            }
            if (e instanceof InvalidFormatException invalid && invalid.getTargetType() == String.class) {
                return new FieldError(field, invalid.getOriginalMessage());
            }
            if (e instanceof InvalidFormatException invalid) {
                return new FieldError(field, "has the wrong type or format: " + typeName(invalid.getTargetType()) + " expected");
            }
            if (e instanceof MismatchedInputException mismatched) {
                if (field.isEmpty()) {
                    return new FieldError("body", "must be a JSON " + typeName(mismatched.getTargetType()));
                }
                return new FieldError(field, "has the wrong type: " + typeName(mismatched.getTargetType()) + " expected");
            }
            return new FieldError(field.isEmpty() ? "body" : field, "cannot be read");
        }
        return new FieldError("body", "is not valid JSON");
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == String.class) {
            return "string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "object";
        }
        if (type == java.util.UUID.class) {
            return "UUID";
        }
        return "value";
    }

    private static String reason(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "HTTP " + status : known.getReasonPhrase();
    }

    private static String httpDetail(int status) {
        return switch (status) {
            case 404 -> "No resource at this path";
            case 405 -> "This method is not allowed on this path";
            case 406 -> "The requested media type cannot be produced";
            case 413 -> "The request body is too large";
            case 415 -> "The content type is not supported; send application/json";
            default -> reason(status);
        };
    }
}
