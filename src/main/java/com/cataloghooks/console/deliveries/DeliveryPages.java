package com.cataloghooks.console.deliveries;

import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.web.KeysetCursor;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.console.FormErrors;
import com.cataloghooks.delivery.api.DeliveryResponse;
import com.cataloghooks.delivery.history.DeliveryQueries;
import com.cataloghooks.delivery.history.DeliverySearch;
import com.cataloghooks.delivery.plan.Replay;
import com.cataloghooks.delivery.state.DeliveryTransitions;
import com.cataloghooks.delivery.state.Redelivery;
import com.cataloghooks.security.Roles;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.api.TaskResponse;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.api.WebhookResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The console's deliveries: every webhook's (or one's) deliveries filtered by status, event type, product and when
 * they were planned, keyset-paged; one delivery with the request as sent and every attempt's answer; redeliver one,
 * re-queue every failed one the filter matches (at most {@link #RETRY_MAX} a click, after a confirmation that says how
 * many), replay a webhook's window with its progress live; and the webhook's 24-hour chart. The roles are the API's:
 * deliveries and their payloads are {@link Roles#DELIVERY_PAYLOAD_READER}'s, sending again is
 * {@link Roles#WEBHOOK_ADMIN}'s. Writes go through {@link Redelivery}, {@link DeliveryTransitions} and
 * {@link Replay}, the services the API calls, which hold the rules and refusals.
 */
@Path("/deliveries")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class DeliveryPages {

    static final int PAGE_SIZE = 50;
    /** The most deliveries one "retry all matching" re-queues; the confirmation says when more match. */
    static final int RETRY_MAX = 500;

    /** The filter a form or a link carries, as typed (for refilling the form). */
    public record Filter(String webhook, String status, String event, String product, String since, String until) {

        /** As the search takes it; a value that does not parse is refused by its field's name. */
        DeliverySearch.Filter parsed() {
            return new DeliverySearch.Filter(webhookId(),
                    QueryParams.oneOf("status", blankToNull(status), DeliveryResponse.STATUSES),
                    QueryParams.oneOf("event", blankToNull(event), EventType.wireNameList()),
                    product == null || product.isBlank() ? null : QueryParams.textParam("product", product.strip(), 64),
                    moment("since", since), moment("until", until));
        }

        UUID webhookId() {
            return webhook == null || webhook.isBlank() ? null : QueryParams.pathId("webhook", webhook.strip());
        }

        /** The query string that repeats this filter. */
        public String query() {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("webhook", webhook);
            values.put("status", status);
            values.put("event", event);
            values.put("product", product);
            values.put("since", since);
            values.put("until", until);
            StringBuilder query = new StringBuilder();
            values.forEach((name, value) -> {
                if (value != null && !value.isBlank()) {
                    query.append(query.isEmpty() ? "" : "&").append(name).append('=')
                            .append(URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
                }
            });
            return query.toString();
        }

        public String describe() {
            List<String> parts = new ArrayList<>();
            if (webhook != null && !webhook.isBlank()) parts.add("webhook " + webhook.strip());
            if (event != null && !event.isBlank()) parts.add("event " + event);
            if (product != null && !product.isBlank()) parts.add("product " + product.strip());
            if (since != null && !since.isBlank()) parts.add("planned from " + since.strip() + " UTC");
            if (until != null && !until.isBlank()) parts.add("planned before " + until.strip() + " UTC");
            return parts.isEmpty() ? "every webhook, any event, any time" : String.join(", ", parts);
        }
    }

    /** The replay form's values, as typed. */
    public record ReplayForm(String since, String until, String status, boolean missed) {
    }

    /** What a delivery page shows of the request: the headers the service sends, the body exactly as sent. */
    public record SentRequest(String url, List<Map.Entry<String, String>> headers, String body) {
    }

    @CheckedTemplate(basePath = "console/deliveries")
    static class Templates {
        static native TemplateInstance list(Filter filter, List<WebhookResponse> webhooks, WebhookResponse webhook,
                                            List<DeliveryResponse> items, String nextCursor, String after,
                                            Map<UUID, String> urls, DeliveryChart chart, ReplayForm replay,
                                            FormErrors replayErrors, String error);

        static native TemplateInstance list$replayForm(WebhookResponse webhook, ReplayForm replay,
                                                       FormErrors replayErrors);

        static native TemplateInstance delivery(DeliveryResponse delivery, WebhookResponse webhook,
                                                SentRequest request, String notice);

        static native TemplateInstance delivery$state(DeliveryResponse delivery, WebhookResponse webhook,
                                                      SentRequest request, String notice);

        static native TemplateInstance retryPreview(Filter filter, long count, int max);

        static native TemplateInstance retried(Filter filter, int requeued, int skipped);

        static native TemplateInstance replay(UUID webhookId, TaskResponse task);
    }

    private final WebhookService webhooks;
    private final DeliverySearch search;
    private final DeliveryQueries queries;
    private final DeliveryTransitions transitions;
    private final Redelivery redelivery;
    private final Replay replay;
    private final TaskService tasks;
    private final DeliveryCharts charts;

    public DeliveryPages(WebhookService webhooks, DeliverySearch search, DeliveryQueries queries,
                         DeliveryTransitions transitions, Redelivery redelivery, Replay replay, TaskService tasks,
                         DeliveryCharts charts) {
        this.webhooks = webhooks;
        this.search = search;
        this.queries = queries;
        this.transitions = transitions;
        this.redelivery = redelivery;
        this.replay = replay;
        this.tasks = tasks;
        this.charts = charts;
    }

    @GET
    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    public TemplateInstance list(@RestQuery String webhook, @RestQuery String status, @RestQuery String event,
                                 @RestQuery String product, @RestQuery String since, @RestQuery String until,
                                 @RestQuery String after) {
        Filter filter = new Filter(webhook, status, event, product, since, until);
        List<WebhookResponse> all = webhooks.list(null, new PageRequest(100, 0)).items();
        Map<UUID, String> urls = new LinkedHashMap<>();
        all.forEach(w -> urls.put(w.id(), w.url()));
        WebhookResponse one = null;
        DeliveryChart chart = null;
        try {
            DeliverySearch.Filter parsed = filter.parsed();
            if (parsed.webhookId() != null) {
                one = webhooks.get(parsed.webhookId());
                urls.put(one.id(), one.url());
                chart = charts.webhook(one.id(), one.url());
            }
            DeliverySearch.Result page = search.page(parsed, PAGE_SIZE, KeysetCursor.decode(after, "after"));
            String next = null;
            if (page.more()) {
                DeliveryResponse last = page.items().get(page.items().size() - 1);
                next = new KeysetCursor(last.createdAt(), last.id()).encode();
            }
            return Templates.list(filter, all, one, page.items(), next, after, urls, chart, defaultReplay(),
                    FormErrors.none(), null);
        } catch (ApiException refused) {
            return Templates.list(filter, all, one, List.of(), null, null, urls, chart, defaultReplay(),
                    FormErrors.none(), refused.getMessage());
        }
    }

    @GET
    @Path("/{webhookId}/{deliveryId}")
    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    public TemplateInstance delivery(@RestPath String webhookId, @RestPath String deliveryId, @RestQuery String sent) {
        DeliveryResponse delivery = find(webhookId, deliveryId);
        WebhookResponse webhook = webhooks.get(delivery.webhookId());
        return Templates.delivery(delivery, webhook, sentRequest(webhook, delivery),
                sent == null ? null : "Sent again: the delivery is queued with a fresh set of attempts.");
    }

    /** The delivery's status and attempts, polled while it is pending or in flight. */
    @GET
    @Path("/{webhookId}/{deliveryId}/state")
    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    public TemplateInstance state(@RestPath String webhookId, @RestPath String deliveryId) {
        DeliveryResponse delivery = find(webhookId, deliveryId);
        WebhookResponse webhook = webhooks.get(delivery.webhookId());
        return Templates.delivery$state(delivery, webhook, sentRequest(webhook, delivery), null);
    }

    @POST
    @Path("/{webhookId}/{deliveryId}/redeliver")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance redeliver(@RestPath String webhookId, @RestPath String deliveryId) {
        UUID webhook = QueryParams.pathId("webhook", webhookId);
        UUID delivery = redelivery.redeliver(webhook, deliveryId);
        DeliveryResponse again = queries.one(webhook, delivery);
        WebhookResponse target = webhooks.get(webhook);
        return Templates.delivery$state(again, target, sentRequest(target, again),
                "Sent again: the delivery is queued with a fresh set of attempts.");
    }

    @GET
    @Path("/retry-preview")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance retryPreview(@RestQuery String webhook, @RestQuery String status, @RestQuery String event,
                                         @RestQuery String product, @RestQuery String since, @RestQuery String until) {
        Filter filter = new Filter(webhook, status, event, product, since, until);
        return Templates.retryPreview(filter, search.countUpTo(filter.parsed().failedOnly(), RETRY_MAX), RETRY_MAX);
    }

    @POST
    @Path("/retry-matching")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance retryMatching(@RestForm String webhook, @RestForm String status, @RestForm String event,
                                          @RestForm String product, @RestForm String since, @RestForm String until) {
        Filter filter = new Filter(webhook, status, event, product, since, until);
        List<UUID> ids = search.ids(filter.parsed().failedOnly(), RETRY_MAX);
        int requeued = transitions.redeliverFailed(ids);
        return Templates.retried(filter, requeued, ids.size() - requeued);
    }

    @POST
    @Path("/{webhookId}/replay")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response startReplay(@RestPath String webhookId, @RestForm String since, @RestForm String until,
                                @RestForm String status, @RestForm String missed) {
        UUID id = QueryParams.pathId("webhook", webhookId);
        ReplayForm form = new ReplayForm(since, until, status, "true".equals(missed) || "on".equals(missed));
        WebhookResponse webhook = webhooks.get(id);
        try {
            Replay.Started started = replay.start(id, moment("since", since), moment("until", until),
                    blankToNull(status), form.missed());
            return Response.ok(Templates.replay(id, tasks.get(TaskKind.REPLAY, started.taskId()))).build();
        } catch (InvalidInputException | ConflictException refusal) {
            return Response.status(422).entity(Templates.list$replayForm(webhook, form, FormErrors.of(refusal)))
                    .build();
        }
    }

    @GET
    @Path("/{webhookId}/replays/{taskId}")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance replayProgress(@RestPath String webhookId, @RestPath String taskId) {
        UUID id = QueryParams.pathId("webhook", webhookId);
        return Templates.replay(id, replay.progress(id, taskId));
    }

    private DeliveryResponse find(String webhookId, String deliveryId) {
        DeliveryResponse delivery = queries.one(QueryParams.pathId("webhook", webhookId),
                QueryParams.pathId("delivery", deliveryId));
        if (delivery == null) {
            throw new NotFoundException("delivery", deliveryId);
        }
        return delivery;
    }

    /**
     * The request as the sender builds it ({@code OutgoingRequest}): the body is the delivery's, byte for byte. The
     * headers are rebuilt from the webhook's current settings, for attempts logged before each attempt's headers were
     * recorded (and before the first attempt): {@code webhook-timestamp} and the signatures are made per attempt, and
     * custom header values are secrets at rest, so those are named, not shown.
     */
    static SentRequest sentRequest(WebhookResponse webhook, DeliveryResponse delivery) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        webhook.headers().keySet().forEach(name -> headers.add(Map.entry(name, "(custom header; value not shown)")));
        headers.add(Map.entry("Content-Type", "application/json"));
        headers.add(Map.entry("User-Agent", "FulFil-Webhook/1.0"));
        headers.add(Map.entry("X-Webhook-Event", delivery.event()));
        headers.add(Map.entry("webhook-id", delivery.eventId().toString()));
        headers.add(Map.entry("webhook-timestamp", "(the attempt's time, in epoch seconds)"));
        if (webhook.hasSecret()) {
            headers.add(Map.entry("X-Webhook-Signature", "sha256=(HMAC of the body, made per attempt)"));
            headers.add(Map.entry("webhook-signature", "v1,(HMAC of id.timestamp.body, made per attempt)"));
        }
        return new SentRequest(webhook.url(), headers, delivery.payload());
    }

    private static ReplayForm defaultReplay() {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).withSecond(0).withNano(0);
        return new ReplayForm(now.minusHours(24).toString(), "", "failed", true);
    }

    /** A {@code datetime-local} value (read as UTC) or an ISO-8601 instant; null when blank. */
    static Instant moment(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip();
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notLocal) {
            return QueryParams.instantParam(field, value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
