package com.cataloghooks.testsupport;

import io.restassured.RestAssured;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** A Server-Sent Events client that collects the events of one stream, on its own thread, until the stream ends. */
public final class SseClient implements AutoCloseable {

    /** One event as received: its name and its data line. */
    public record Event(String name, String data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final CompletableFuture<Integer> ended;
    private volatile int status;

    private SseClient(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Accept", "text/event-stream").header("Authorization", TestAuth.BEARER).GET().build();
        ended = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    status = response.statusCode();
                    read(response.body());
                    return response.statusCode();
                });
    }

    public static SseClient open(String path) {
        return new SseClient(path);
    }

    private void read(Stream<String> lines) {
        String name = "message";
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    synchronized (events) {
                        events.add(new Event(name, data.toString()));
                    }
                }
                name = "message";
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public boolean ended() {
        return ended.isDone();
    }

    public int status() {
        return status;
    }

    @Override
    public void close() {
        ended.cancel(true);
    }
}
