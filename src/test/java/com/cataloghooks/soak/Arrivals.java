package com.cataloghooks.soak;

import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receivers' requests, by receiver path and event id (the {@code webhook-id} header), each with its place among
 * its path's requests (which tells what a flaky receiver answered it).
 */
final class Arrivals {

    /** One request as it arrived, and whether the receiver answered it 2xx in time. */
    record Arrival(ReceivedRequest request, int indexOnPath, boolean answeredSuccess) {
        Instant at() {
            return request.receivedAt();
        }
    }

    private final Map<String, Map<String, List<Arrival>>> byPathAndEvent = new HashMap<>();
    private final Map<String, List<ReceivedRequest>> byPath = new HashMap<>();

    Arrivals(List<ReceivedRequest> requests, Map<String, Receivers.Kind> kinds, Receivers receivers) {
        Map<String, Integer> index = new HashMap<>();
        for (ReceivedRequest request : requests) {
            int i = index.merge(request.path(), 1, Integer::sum) - 1;
            byPath.computeIfAbsent(request.path(), p -> new ArrayList<>()).add(request);
            String eventId = request.header("webhook-id");
            if (eventId == null) {
                continue;
            }
            Receivers.Kind kind = kinds.get(request.path());
            boolean success = kind != null && receivers.answeredSuccess(kind, request.path(), i);
            byPathAndEvent.computeIfAbsent(request.path(), p -> new HashMap<>())
                    .computeIfAbsent(eventId, e -> new ArrayList<>()).add(new Arrival(request, i, success));
        }
    }

    /** The requests carrying this event to this path, in arrival order. */
    List<Arrival> of(String path, String eventId) {
        return byPathAndEvent.getOrDefault(path, Map.of()).getOrDefault(eventId, List.of());
    }

    Instant first(String path, String eventId) {
        List<Arrival> arrivals = of(path, eventId);
        return arrivals.isEmpty() ? null : arrivals.get(0).at();
    }

    List<ReceivedRequest> onPath(String path) {
        return byPath.getOrDefault(path, List.of());
    }
}
