package com.cataloghooks.testsupport;

import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one webhook's receiver path got, compared with the events the test committed: each committed product
 * create is one {@code product.created} event whose {@code data.id} is the product id.
 *
 * @param path        the receiver path of the webhook
 * @param committed   events committed (products the API acknowledged)
 * @param delivered   distinct {@code webhook-id} values received (may exceed {@code committed} when a write that
 *                    was never acknowledged did commit)
 * @param requests    requests received, retries and redeliveries included
 * @param missing     committed product ids whose event never arrived
 * @param firstArrival when the event of each received product id first arrived
 */
public record DeliveryTally(String path, int committed, int delivered, int requests, Set<String> missing,
                            Map<String, Instant> firstArrival) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tallies {@code receiver}'s requests on {@code path} against the committed product ids. */
    public static DeliveryTally of(TestReceiver receiver, String path, Collection<String> committedProductIds) {
        List<ReceivedRequest> requests = receiver.requests(path);
        Set<String> eventIds = new HashSet<>();
        Map<String, Instant> firstArrival = new HashMap<>();
        for (ReceivedRequest request : requests) {
            String eventId = request.header("webhook-id");
            if (eventId != null) {
                eventIds.add(eventId);
            }
            String productId = productId(request);
            if (productId != null) {
                firstArrival.merge(productId, request.receivedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Set<String> missing = new LinkedHashSet<>(committedProductIds);
        missing.removeAll(firstArrival.keySet());
        return new DeliveryTally(path, committedProductIds.size(), eventIds.size(), requests.size(),
                Set.copyOf(missing), Map.copyOf(firstArrival));
    }

    /** Whether every committed event has arrived at least once: a cheap check for Awaitility. */
    public static boolean complete(TestReceiver receiver, String path, Collection<String> committedProductIds) {
        return of(receiver, path, committedProductIds).lost() == 0;
    }

    /** Committed events that never arrived: must be 0. */
    public int lost() {
        return missing.size();
    }

    /** Requests beyond the first for each event (retries after failures, redeliveries after crashes). */
    public int duplicates() {
        return requests - delivered;
    }

    private static String productId(ReceivedRequest request) {
        try {
            JsonNode id = JSON.readTree(request.body()).path("data").get("id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return path + ": committed " + committed + ", delivered " + delivered + ", requests " + requests + ", lost "
                + lost() + (missing.isEmpty() ? "" : " " + missing.stream().limit(5).toList());
    }
}
