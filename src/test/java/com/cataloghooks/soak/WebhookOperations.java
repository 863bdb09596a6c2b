package com.cataloghooks.soak;

import com.cataloghooks.soak.ApiClient.Answer;
import com.cataloghooks.soak.Receivers.Kind;
import com.cataloghooks.soak.WebhookRecord.Change;
import com.cataloghooks.soak.WebhookRecord.Config;
import com.cataloghooks.soak.WebhookRecord.Outcome;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One client thread's webhook operations: create, update (events, filter, retries), activate and deactivate, delete,
 * ordering, rate limits, secret rotation and plain secrets, redelivery, replay, test sends and reads.
 * <p>
 * Two sorts of webhook: the <em>core</em> ones, made at the start, one per kind of receiver, whose eligibility (active,
 * events, filter) and ordering never change, so every event of the run is due to them; and <em>churn</em> webhooks,
 * made, changed and deleted at random while events are written. Changes to one webhook's configuration are made one
 * at a time (its {@link WebhookRecord#lock}); a thread that finds it busy does something else.
 */
final class WebhookOperations {

    static final List<String> EVENTS = List.of("product.created", "product.updated", "product.deleted",
            "import.started", "import.completed", "import.failed");
    static final Set<String> PRODUCT_EVENTS = Set.of("product.created", "product.updated", "product.deleted");
    private static final int MAX_CHURN = 6;
    /**
     * The lowest rate limit given: above the run's event rate (about 15 per second at most), so that a limit shapes
     * bursts and is exercised on every claim, but no backlog grows without end (a limit below the event rate makes
     * one by design, and the run would never settle).
     */
    private static final int MIN_RATE = 30;

    private final ApiClient api;
    private final History history;
    private final Receivers receivers;
    private final Random random;
    /** The payload filter of every ordered webhook: the products written in bursts. */
    private final Map<String, Object> orderedFilter;

    WebhookOperations(ApiClient api, History history, Receivers receivers, Random random, String runTag) {
        this.api = api;
        this.history = history;
        this.receivers = receivers;
        this.random = random;
        this.orderedFilter = PayloadFilters.burstProducts(runTag);
    }

    /** The webhooks every run starts with, one per kind of receiver, some ordered, filtered or rate limited. */
    void createCore() {
        create(Kind.OK, true, Set.copyOf(EVENTS), null, false, null, 3, 5, false, false);
        create(Kind.OK, true, PRODUCT_EVENTS, orderedFilter, true, null, 3, 5, true, false);
        create(Kind.OK, true, Set.of("product.created", "product.updated"), Map.of("active", true), false, null, 3,
                5, false, true);
        create(Kind.OK, true, Set.copyOf(EVENTS), null, false, MIN_RATE, 3, 5, true, false);
        create(Kind.FLAKY, true, Set.of("product.created", "product.deleted"), null, false, null, 5, 5, false, false);
        create(Kind.FLAKY, true, PRODUCT_EVENTS, orderedFilter, true, null, 6, 5, true, false);
        create(Kind.FAIL, true, Set.of("product.deleted", "import.completed"), null, false, null, 1, 2, false, false);
        create(Kind.HANG, true, Set.of("product.created"), null, false, null, 0, 1, true, false);
        create(Kind.GONE, true, Set.of("product.updated"), null, false, null, 2, 5, false, false);
    }

    void createChurn() {
        if (history.webhooks().stream().filter(w -> !w.core && w.exists()).count() >= MAX_CHURN) {
            update();
            return;
        }
        Kind kind = switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> Kind.OK;
            case 5, 6 -> Kind.FLAKY;
            case 7 -> Kind.FAIL;
            case 8 -> Kind.HANG;
            default -> Kind.GONE;
        };
        boolean ordered = random.nextInt(4) == 0;
        create(kind, false, randomEvents(), ordered ? orderedFilter
                        : random.nextInt(3) == 0 ? PayloadFilters.random(random) : null,
                ordered, random.nextInt(5) == 0 ? rate() : null,
                kind == Kind.FAIL ? random.nextInt(2) : 1 + random.nextInt(4), kind == Kind.HANG ? 1 : 2 + random.nextInt(4),
                random.nextBoolean(), random.nextInt(3) == 0);
    }

    private void create(Kind kind, boolean core, Set<String> events, Map<String, Object> filter, boolean ordered,
                        Integer rateLimit, int retries, int timeout, boolean generateSecret, boolean withHeader) {
        WebhookRecord webhook = new WebhookRecord(kind, receivers.allocate(kind, random), core);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", receivers.url(webhook.path));
        body.put("events", List.copyOf(events));
        body.put("description", "soak " + kind + (core ? " core" : " churn"));
        body.put("retry_count", retries);
        body.put("timeout_seconds", timeout);
        String secret = null;
        if (generateSecret) {
            body.put("generate_secret", true);
        } else {
            secret = newPlainSecret();
            body.put("secret", secret);
        }
        if (filter != null) {
            body.put("filter", filter);
        }
        if (ordered) {
            body.put("ordered", true);
        }
        if (rateLimit != null) {
            body.put("rate_limit_per_second", rateLimit);
        }
        if (withHeader) {
            String value = "hv-" + HexFormat.of().formatHex(bytes(12));
            history.headerValue(value);
            body.put("headers", Map.of("X-Soak-Token", value));
        }
        Answer answer = generateSecret
                ? api.postReturningSecret("webhook create", random, "/api/v1/webhooks", body)
                : api.post("webhook create", random, "/api/v1/webhooks", body);
        if (answer.ok() && answer.text("id") != null) {
            webhook.created(answer.text("id"), answer.call().answered(),
                    new Config(true, Set.copyOf(events), filter, ordered),
                    generateSecret ? answer.text("secret") : secret);
        } else if (core) {
            throw new IllegalStateException("could not create a core webhook: " + answer.call());
        }
        history.webhook(webhook); // also when in doubt: its receiver path is then someone's nobody knows
    }

    /** Changes a churn webhook's events, filter, retries or description. */
    void update() {
        withWebhook(w -> !w.core, webhook -> {
            Config now = webhook.current();
            Map<String, Object> body = new LinkedHashMap<>();
            Set<String> events = null;
            Map<String, Object> filter = null;
            boolean filterChanged = false;
            // an ordered webhook keeps the filter that holds its queue to what it can deliver
            switch (random.nextInt(now.ordered() ? 3 : 4)) {
                case 3 -> {
                    filterChanged = true;
                    filter = random.nextBoolean() ? PayloadFilters.random(random) : null;
                    body.put("filter", filter == null ? Map.of() : filter); // {} removes it
                }
                case 0 -> {
                    events = randomEvents();
                    body.put("events", List.copyOf(events));
                }
                case 1 -> body.put("retry_count", webhook.kind == Kind.FAIL ? random.nextInt(2) : 1 + random.nextInt(5));
                default -> body.put("description", "soak churn, changed " + Instant.now());
            }
            boolean eligibility = events != null || filterChanged;
            change(webhook, eligibility ? "update events/filter" : "update", eligibility, false, body,
                    now.with(null, events, filter, filterChanged, null));
        });
    }

    void toggleActive() {
        withWebhook(w -> !w.core, webhook -> {
            Config now = webhook.current();
            boolean activate = !now.active();
            Answer answer = change(webhook, activate ? "activate" : "deactivate", true, false,
                    Map.of("is_active", activate), now.with(activate, null, null, false, null));
            if (activate && answer.ok() && random.nextBoolean()) {
                // the events it missed while inactive: from when it was asked to deactivate until it is active again
                webhook.changes().stream().filter(c -> c.what().equals("deactivate") && c.outcome() == Outcome.ACKED)
                        .reduce((a, b) -> b)
                        .ifPresent(off -> replay(webhook, off.sent(), answer.call().answered(), "failed", true));
            }
        });
    }

    void delete() {
        if (history.webhooks().stream().filter(w -> !w.core && w.exists()).count() <= 2) {
            createChurn();
            return;
        }
        withWebhook(w -> !w.core, webhook -> {
            Answer answer = api.delete("webhook delete", random, "/api/v1/webhooks/" + webhook.id());
            webhook.change(new Change("delete", answer.call().sent(), answer.call().answered(), outcome(answer), true,
                    true, null));
        });
    }

    /** Makes a churn webhook ordered (with the ordered webhooks' filter) or unordered (keeping its filter). */
    void toggleOrdered() {
        withWebhook(w -> !w.core, webhook -> {
            Config now = webhook.current();
            if (now.ordered()) {
                change(webhook, "unordered", false, true, Map.of("ordered", false),
                        now.with(null, null, null, false, false));
            } else {
                change(webhook, "ordered", true, true, Map.of("ordered", true, "filter", orderedFilter),
                        now.with(null, null, orderedFilter, true, true));
            }
        });
    }

    /** Sets, changes or removes a rate limit, on any webhook (it decides when, not whether, events go). */
    void rateLimit() {
        withWebhook(w -> true, webhook -> change(webhook, "rate limit", false, false,
                Map.of("rate_limit_per_second", random.nextInt(3) == 0 ? 0 : rate()),
                webhook.current()));
    }

    void rotateSecret() {
        withWebhook(w -> true, webhook -> {
            Map<String, Object> body = random.nextBoolean() ? Map.of()
                    : Map.of("grace_period_seconds", random.nextInt(3) * 1800);
            Answer answer = api.postReturningSecret("webhook secret rotate", random,
                    "/api/v1/webhooks/" + webhook.id() + "/secret/rotate", body);
            if (!answer.refused()) {
                webhook.secret(answer.text("secret"), answer.call().sent(), answer.call().answered(),
                        answer.ok() && answer.text("secret") != null, false);
            }
        });
    }

    /** Replaces the secret with one of the client's own (which also ends a rotation's grace period). */
    void plainSecret() {
        withWebhook(w -> true, webhook -> {
            String secret = newPlainSecret();
            Answer answer = change(webhook, "secret", false, false, Map.of("secret", secret), webhook.current());
            if (!answer.refused()) {
                // in doubt or not, the client knows it; once acknowledged, no unknown secret signs any more
                webhook.secret(secret, answer.call().sent(), answer.call().answered(), true, answer.ok());
            }
        });
    }

    void redeliver() {
        WebhookRecord webhook = pick(WebhookRecord::exists);
        if (webhook == null) {
            return;
        }
        String status = random.nextBoolean() ? "succeeded" : "failed";
        Answer list = api.get("webhook deliveries", random,
                "/api/v1/webhooks/" + webhook.id() + "/deliveries?limit=20&status=" + status);
        if (!list.ok() || list.json() == null || list.json().path("items").isEmpty()) {
            return;
        }
        JsonNode items = list.json().path("items");
        JsonNode delivery = items.get(random.nextInt(items.size()));
        Answer answer = api.send("delivery redeliver", random, "POST", "/api/v1/webhooks/" + webhook.id()
                + "/deliveries/" + delivery.path("id").asText() + "/redeliver", null, null, false);
        history.redelivery(new History.Redelivery(webhook.id(), delivery.path("id").asText(),
                delivery.path("event_id").asText(), answer.call().sent(), answer.call().answered(), answer.status()));
    }

    /** A replay of the last minute's finished deliveries (without missed events: those would hide losses). */
    void replay() {
        WebhookRecord webhook = pick(WebhookRecord::exists);
        if (webhook != null) {
            Instant now = Instant.now();
            replay(webhook, now.minusSeconds(60), now, List.of("failed", "succeeded", "all").get(random.nextInt(3)),
                    false);
        }
    }

    private void replay(WebhookRecord webhook, Instant since, Instant until, String status, boolean missed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", since.toString());
        body.put("until", until.toString());
        body.put("status", status);
        body.put("include_missed", missed);
        Answer answer = api.post("webhook replay", random, "/api/v1/webhooks/" + webhook.id() + "/replay", body);
        history.replay(new History.Replay(webhook.id(), since, until, status, missed, answer.call().sent(),
                answer.call().answered(), answer.status()));
    }

    void testSend() {
        WebhookRecord webhook = pick(WebhookRecord::exists);
        if (webhook != null && webhook.kind != Kind.HANG) {
            api.post("webhook test send", random, "/api/v1/webhooks/" + webhook.id() + "/test", Map.of());
        }
    }

    /** Reads whose answers must never carry a secret: a webhook, the list, its logs and deliveries. */
    void read() {
        WebhookRecord webhook = pick(WebhookRecord::exists);
        switch (random.nextInt(4)) {
            case 0 -> api.get("webhook list", random, "/api/v1/webhooks?limit=100");
            case 1 -> {
                if (webhook != null) {
                    api.get("webhook get", random, "/api/v1/webhooks/" + webhook.id());
                }
            }
            case 2 -> {
                if (webhook != null) {
                    api.get("webhook logs", random, "/api/v1/webhooks/" + webhook.id() + "/logs?limit=20");
                }
            }
            default -> {
                if (webhook != null) {
                    api.get("webhook deliveries", random, "/api/v1/webhooks/" + webhook.id() + "/deliveries?limit=10");
                }
            }
        }
    }

    private Answer change(WebhookRecord webhook, String what, boolean eligibility, boolean ordering,
                         Map<String, Object> body, Config after) {
        Answer answer = api.put("webhook " + what, random, "/api/v1/webhooks/" + webhook.id(), body);
        webhook.change(new Change(what, answer.call().sent(), answer.call().answered(), outcome(answer), eligibility,
                ordering, answer.ok() ? after : null));
        return answer;
    }

    private static Outcome outcome(Answer answer) {
        return answer.ok() ? Outcome.ACKED : answer.refused() ? Outcome.REFUSED : Outcome.AMBIGUOUS;
    }

    /** Runs {@code action} on a random existing webhook that {@code which} accepts, unless another thread holds it. */
    private void withWebhook(Predicate<WebhookRecord> which, java.util.function.Consumer<WebhookRecord> action) {
        WebhookRecord webhook = pick(w -> w.exists() && which.test(w));
        if (webhook == null || !webhook.lock.tryLock()) {
            return;
        }
        try {
            if (webhook.exists()) {
                action.accept(webhook);
            }
        } finally {
            webhook.lock.unlock();
        }
    }

    private WebhookRecord pick(Predicate<WebhookRecord> which) {
        List<WebhookRecord> candidates = new ArrayList<>(history.webhooks().stream().filter(which).toList());
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private int rate() {
        return MIN_RATE + random.nextInt(40);
    }

    private Set<String> randomEvents() {
        Set<String> events = new LinkedHashSet<>();
        for (String event : EVENTS) {
            if (random.nextInt(PRODUCT_EVENTS.contains(event) ? 2 : 4) == 0) {
                events.add(event);
            }
        }
        if (events.isEmpty()) {
            events.add(EVENTS.get(random.nextInt(3)));
        }
        return Set.copyOf(events);
    }

    private String newPlainSecret() {
        return random.nextBoolean() ? "whsec_" + Base64.getEncoder().encodeToString(bytes(24))
                : "soak-plain-" + HexFormat.of().formatHex(bytes(16));
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
