package com.cataloghooks.soak;

import com.cataloghooks.testsupport.TestAuth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The soak's API client: sends each request to a replica chosen at random, as a load balancer would, and records
 * every answer (or its absence) in the {@link History}. A refused connection (the replica is down or starting) is
 * tried on the next replica: nothing was sent. Any other failure is recorded as unanswered, and the write it carried
 * stays ambiguous.
 */
final class ApiClient {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    private final IntFunction<String> baseUrls;
    private final int replicas;
    private final History history;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    ApiClient(IntFunction<String> baseUrls, int replicas, History history) {
        this.baseUrls = baseUrls;
        this.replicas = replicas;
        this.history = history;
    }

    /** An answer: status 0 when none came; {@code json} null unless the body is JSON. */
    record Answer(int status, String body, JsonNode json, Call call) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** Refused without effect: a 4xx (the API writes nothing for a refused request). */
        boolean refused() {
            return status / 100 == 4;
        }

        /** Neither acknowledged nor refused: the change may or may not have happened. */
        boolean ambiguous() {
            return !ok() && !refused();
        }

        String text(String field) {
            return json == null || json.get(field) == null || json.get(field).isNull() ? null : json.get(field).asText();
        }
    }

    Answer get(String op, Random random, String path) {
        return send(op, random, "GET", path, null, null, false);
    }

    Answer delete(String op, Random random, String path) {
        return send(op, random, "DELETE", path, null, null, false);
    }

    Answer post(String op, Random random, String path, Object body) {
        return send(op, random, "POST", path, "application/json", json(body), false);
    }

    Answer put(String op, Random random, String path, Object body) {
        return send(op, random, "PUT", path, "application/json", json(body), false);
    }

    /** A request whose answer carries a secret on purpose (a generated or rotated one): not scanned for leaks. */
    Answer postReturningSecret(String op, Random random, String path, Object body) {
        return send(op, random, "POST", path, "application/json", json(body), true);
    }

    Answer postCsv(String op, Random random, String path, String csv) {
        return send(op, random, "POST", path, "text/csv; charset=UTF-8", csv, false);
    }

    Answer send(String op, Random random, String method, String path, String contentType, String body,
                boolean returnsSecret) {
        int first = random.nextInt(replicas);
        Call call = null;
        for (int i = 0; i < replicas; i++) {
            int replica = (first + i) % replicas;
            call = once(op, replica, method, path, contentType, body, returnsSecret);
            if (!call.refusedConnection()) {
                break;
            }
        }
        history.record(call);
        JsonNode json = null;
        if (call.body() != null && !call.body().isBlank() && call.contentType() != null
                && call.contentType().contains("json")) {
            try {
                json = JSON.readTree(call.body());
            } catch (IOException e) {
                json = null;
            }
        }
        return new Answer(call.status(), call.body(), json, call);
    }

    private Call once(String op, int replica, String method, String path, String contentType, String body,
                      boolean returnsSecret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrls.apply(replica) + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", TestAuth.BEARER)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        Instant sent = Instant.now();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Call(op, replica, method, path, sent, Instant.now(), response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null),
                    response.headers().firstValue("Content-Type").orElse(null), response.body(), null,
                    returnsSecret);
        } catch (ConnectException e) {
            return new Call(op, replica, method, path, sent, Instant.now(), 0, null, null, null,
                    Call.REFUSED, returnsSecret);
        } catch (HttpTimeoutException e) {
            return new Call(op, replica, method, path, sent, Instant.now(), 0, null, null, null, "timeout",
                    returnsSecret);
        } catch (IOException e) {
            return new Call(op, replica, method, path, sent, Instant.now(), 0, null, null, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), returnsSecret);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Call(op, replica, method, path, sent, Instant.now(), 0, null, null, null, "interrupted",
                    returnsSecret);
        }
    }

    private static String json(Object body) {
        if (body == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * One request and its answer as the client saw it.
     *
     * @param status 0 when no answer came ({@code error} says why)
     */
    record Call(String op, int replica, String method, String path, Instant sent, Instant answered, int status,
                String retryAfter, String contentType, String body, String error, boolean returnsSecret) {

        static final String REFUSED = "connection refused";

        boolean refusedConnection() {
            return REFUSED.equals(error);
        }

        @Override
        public String toString() {
            return sent + " " + op + " " + method + " " + path + " -> replica " + replica + ": "
                    + (status == 0 ? error : status + (retryAfter == null ? "" : " Retry-After " + retryAfter))
                    + (body == null || status < 500 ? "" : " " + body.substring(0, Math.min(200, body.length())));
        }
    }

    static List<Call> firstFew(List<Call> calls) {
        return calls.stream().limit(5).toList();
    }
}
