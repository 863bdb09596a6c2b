package com.cataloghooks.soak;

import com.cataloghooks.soak.Receivers.Kind;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One webhook's configuration history as the client saw it: when it was created, every change asked of it with the
 * interval it was in progress ({@code sent}..{@code answered}) and its outcome, and every secret it was given.
 * <p>
 * Config changes of one webhook are made one at a time ({@link #lock}), so the acknowledged ones applied in the order
 * they were answered, and the state at any instant between them is known. A change that got no clear answer (5xx,
 * none) leaves the state unknown from the moment it was sent: {@link #eligibleThroughout} then says no.
 */
final class WebhookRecord {

    /** What the delivery side reads of a webhook to plan and order its deliveries. */
    record Config(boolean active, Set<String> events, Map<String, Object> filter, boolean ordered) {
        Config with(Boolean active, Set<String> events, Map<String, Object> filter, boolean filterChanged,
                    Boolean ordered) {
            return new Config(active == null ? this.active : active, events == null ? this.events : events,
                    filterChanged ? filter : this.filter, ordered == null ? this.ordered : ordered);
        }
    }

    enum Outcome { ACKED, REFUSED, AMBIGUOUS }

    /**
     * One change asked of the webhook.
     *
     * @param eligibility whether it may change which events are planned for it (active, events, filter, delete)
     * @param ordering    whether it may change its ordering
     * @param after       the configuration once acknowledged; null for a delete or an unacknowledged change
     */
    record Change(String what, Instant sent, Instant answered, Outcome outcome, boolean eligibility,
                  boolean ordering, Config after) {
    }

    final Kind kind;
    final String path;
    final boolean core;
    final ReentrantLock lock = new ReentrantLock();
    private final List<Change> changes = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private String id;
    private Instant createAcked;
    private Config initial;
    /** Windows [from, to) in which the webhook may have signed with a secret the client never learnt. */
    private final List<Instant[]> unknownSecret = new ArrayList<>();
    private boolean deleted;

    WebhookRecord(Kind kind, String path, boolean core) {
        this.kind = kind;
        this.path = path;
        this.core = core;
    }

    synchronized void created(String id, Instant acked, Config config, String secret) {
        this.id = id;
        this.createAcked = acked;
        this.initial = config;
        if (secret != null) {
            secrets.add(secret);
        } else {
            unknownSecret.add(new Instant[]{Instant.MIN, null});
        }
    }

    synchronized String id() {
        return id;
    }

    synchronized Instant createAcked() {
        return createAcked;
    }

    synchronized boolean deleted() {
        return deleted;
    }

    synchronized boolean exists() {
        return id != null && !deleted;
    }

    /** The configuration after every acknowledged change so far (callers hold {@link #lock}). */
    synchronized Config current() {
        Config config = initial;
        for (Change change : changes) {
            if (change.outcome() == Outcome.ACKED && change.after() != null) {
                config = change.after();
            }
        }
        return config;
    }

    synchronized void change(Change change) {
        changes.add(change);
        if (change.what().equals("delete") && change.outcome() != Outcome.REFUSED) {
            deleted = true; // or maybe: either way nothing more is asked of it
        }
    }

    /**
     * A secret given (or maybe given: {@code known} is false when a rotation's answer never came, so the new secret,
     * if any, is unknown). Requests from then on are not judged, until a secret of the client's own is acknowledged
     * ({@code clears}: it replaces the secret and ends the previous one's grace period).
     */
    synchronized void secret(String secret, Instant sent, Instant answered, boolean known, boolean clears) {
        if (known && secret != null) {
            secrets.add(secret);
        } else {
            unknownSecret.add(new Instant[]{sent, null});
        }
        if (clears) {
            unknownSecret.stream().filter(w -> w[1] == null && w[0].isBefore(sent)).forEach(w -> w[1] = answered);
        }
    }

    synchronized List<String> secrets() {
        return List.copyOf(secrets);
    }

    /** Whether the webhook may have signed at {@code t} with a secret the client never learnt. */
    synchronized boolean secretUnknownAt(Instant t) {
        return unknownSecret.stream().anyMatch(w -> !t.isBefore(w[0]) && (w[1] == null || t.isBefore(w[1])));
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /**
     * Whether an event of {@code type} with this {@code data}, written by a request sent at {@code from}, was due to
     * this webhook by its configuration over all of [{@code from}, {@code to}]: created (acknowledged) before, and
     * throughout active, subscribed to the type and with a filter the data passes, with no change of these in
     * progress or in doubt in the interval.
     */
    synchronized boolean eligibleThroughout(Instant from, Instant to, String type, JsonNode data) {
        if (createAcked == null || !createAcked.isBefore(from)) {
            return false;
        }
        Config config = initial;
        for (Change change : changes) {
            if (!change.eligibility() || change.outcome() == Outcome.REFUSED) {
                continue;
            }
            if (change.outcome() == Outcome.ACKED && change.answered().isBefore(from)) {
                config = change.after() == null ? null : change.after();
                continue;
            }
            if (change.sent().isBefore(to)) {
                return false; // in progress, in doubt, or made within the interval
            }
        }
        return config != null && config.active() && config.events().contains(type)
                && PayloadFilters.matches(config.filter(), data);
    }

    /** Whether the webhook was {@code ordered} over all of [{@code from}, {@code to}], with no change of it in doubt. */
    synchronized boolean orderedThroughout(Instant from, Instant to) {
        if (createAcked == null || !createAcked.isBefore(from)) {
            return false;
        }
        Config config = initial;
        for (Change change : changes) {
            if (!change.ordering() || change.outcome() == Outcome.REFUSED) {
                continue;
            }
            if (change.outcome() == Outcome.ACKED && change.answered().isBefore(from)) {
                config = change.after() == null ? null : change.after();
                continue;
            }
            if (change.sent().isBefore(to)) {
                return false;
            }
        }
        return config != null && config.ordered();
    }

    @Override
    public synchronized String toString() {
        return "webhook " + id + " (" + kind + ", " + path + (core ? ", core" : "") + ")";
    }
}
