package com.cataloghooks.console.webhooks;

import com.cataloghooks.console.Htmx;
import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.Violations;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.console.FormErrors;
import com.cataloghooks.delivery.history.WebhookDaySummary;
import com.cataloghooks.security.Roles;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.RotateSecretRequest;
import com.cataloghooks.webhook.api.UpdateWebhookRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import com.cataloghooks.webhook.filter.InvalidFilterException;
import com.cataloghooks.webhook.filter.PayloadFilter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Validator;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The console's webhooks: a list with each receiver's health at a glance (24 h success rate and p95, last error,
 * breaker, why the service disabled it), create and edit forms (events, custom headers, a payload filter checked as
 * it is typed, ordering, rate limit), activate and deactivate, secret rotation (the new secret shown once) and
 * delete. Everything goes through {@link WebhookService}, as the API does, with the API's roles.
 */
@Path("/webhooks")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class WebhookPages {

    static final int PAGE_SIZE = 50;
    /** The grace periods the rotation offers, in seconds; the API's default (24 h) first. */
    static final List<Grace> GRACE_PERIODS = List.of(86_400L, 3_600L, 604_800L, 0L).stream()
            .map(seconds -> new Grace(seconds, graceWords(seconds))).toList();

    /** A grace period the rotation offers. */
    public record Grace(long seconds, String words) {
    }

    /** A listed webhook with its last 24 hours (null: no delivery attempt in them). */
    public record Row(WebhookResponse webhook, WebhookDaySummary.Day day) {
    }

    /** An event a webhook can subscribe to. */
    public record Event(String name, String description) {
    }

    /** What the create and edit forms show: the values typed (or stored). */
    public record Form(String id, String url, String description, List<String> events, String headers,
                       String storedHeaders, boolean clearHeaders, String filter, boolean ordered, String rateLimit, String retryCount,
                       String timeoutSeconds, boolean active, boolean generateSecret) {

        static Form blank() {
            return new Form(null, "", "", List.of(), "", "", false, "", false, "", "3", "30", true, true);
        }

        static Form of(WebhookResponse w, ObjectMapper mapper) {
            String filter = "";
            if (w.filter() != null && !w.filter().isEmpty()) {
                try {
                    filter = mapper.writeValueAsString(w.filter());
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Form(w.id().toString(), w.url(), w.description() == null ? "" : w.description(), w.events(),
                    "", w.headers() == null ? "" : String.join(", ", w.headers().keySet()), false, filter, w.ordered(),
                    w.rateLimitPerSecond() == null ? "" : w.rateLimitPerSecond().toString(),
                    Integer.toString(w.retryCount()), Integer.toString(w.timeoutSeconds()), w.isActive(), false);
        }

        public boolean subscribes(String event) {
            return events != null && events.contains(event);
        }
    }

    /** A secret shown once: after a create that generated it, or a rotation. */
    public record Secret(WebhookResponse webhook, String value, Long graceSeconds, boolean created) {

        /** The grace period asked for, in words; null when the service's default applied. */
        public String graceAsked() {
            return graceSeconds == null ? null : graceWords(graceSeconds);
        }
    }

    @CheckedTemplate(basePath = "console/webhooks")
    static class Templates {
        static native TemplateInstance list(List<Row> rows, String count, boolean notFirst, Integer nextOffset, String notice);

        static native TemplateInstance edit(Form form, FormErrors errors, List<Event> events, Row row,
                                            List<Grace> gracePeriods, String saved);

        static native TemplateInstance edit$form(Form form, FormErrors errors, List<Event> events);

        static native TemplateInstance secret(Secret secret);

        static native TemplateInstance filterCheck(String problem, boolean empty);
    }

    private final WebhookService webhooks;
    private final WebhookDaySummary days;
    private final Validator validator;
    private final ObjectMapper mapper;

    public WebhookPages(WebhookService webhooks, WebhookDaySummary days, Validator validator, ObjectMapper mapper) {
        this.webhooks = webhooks;
        this.days = days;
        this.validator = validator;
        this.mapper = mapper;
    }

    @GET
    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    public TemplateInstance list(@RestQuery String offset, @RestQuery String deleted) {
        Page<WebhookResponse> page = webhooks.list(null, PageRequest.parse(Integer.toString(PAGE_SIZE), offset,
                PAGE_SIZE, PAGE_SIZE));
        Map<UUID, WebhookDaySummary.Day> last24h = days.of(page.items().stream().map(WebhookResponse::id).toList());
        List<Row> rows = page.items().stream().map(w -> new Row(w, last24h.get(w.id()))).toList();
        long total = page.total() == null ? rows.size() : page.total();
        Integer next = page.offset() + page.limit() < total ? page.offset() + page.limit() : null;
        return Templates.list(rows, total + (total == 1 ? " webhook" : " webhooks"), page.offset() > 0, next, deleted == null ? null : "Webhook deleted.");
    }

    @GET
    @Path("/new")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance createForm() {
        return Templates.edit(Form.blank(), FormErrors.none(), events(), null, GRACE_PERIODS, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response create(@RestForm String url, @RestForm String description, @RestForm List<String> events,
                           @RestForm String headers, @RestForm String filter, @RestForm String ordered,
                           @RestForm("rate_limit") String rateLimit, @RestForm("retry_count") String retryCount,
                           @RestForm("timeout_seconds") String timeoutSeconds, @RestForm String active,
                           @RestForm("generate_secret") String generateSecret) {
        Form form = new Form(null, url, description, events == null ? List.of() : events, headers, "", false, filter,
                Htmx.checked(ordered), rateLimit, retryCount, timeoutSeconds, Htmx.checked(active),
                Htmx.checked(generateSecret));
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> headerMap = parseHeaders(headers, errors);
        JsonNode filterNode = parseFilter(filter, errors);
        Integer limit = number("rate_limit_per_second", rateLimit, errors);
        Integer retries = number("retry_count", retryCount, errors);
        Integer timeout = number("timeout_seconds", timeoutSeconds, errors);
        CreateWebhookRequest request = new CreateWebhookRequest(emptyToNull(url), form.events(), null, emptyToNull(description),
                form.active(), headerMap, retries, timeout, form.generateSecret(), filterNode, form.ordered(), limit);
        errors.addAll(Violations.fieldErrors(validator.validate(request)));
        if (!errors.isEmpty()) {
            return refused(form, errors, null);
        }
        try {
            WebhookResponse created = webhooks.create(request);
            return Response.ok(Templates.secret(new Secret(created, created.secret(), null, true))).build();
        } catch (ApiException refusal) {
            return refused(form, refusal.errors(), refusal.errors().isEmpty() ? refusal.getMessage() : null);
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    public TemplateInstance show(@RestPath String id, @RestQuery String saved) {
        WebhookResponse webhook = webhooks.get(QueryParams.pathId("webhook", id));
        String notice = switch (saved == null ? "" : saved) {
            case "updated" -> "Webhook updated.";
            case "activated" -> "Webhook activated.";
            case "deactivated" -> "Webhook deactivated.";
            default -> null;
        };
        return Templates.edit(Form.of(webhook, mapper), FormErrors.none(), events(), row(webhook), GRACE_PERIODS,
                notice);
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response update(@RestPath String id, @RestForm String url, @RestForm String description,
                           @RestForm List<String> events, @RestForm String headers,
                           @RestForm("clear_headers") String clearHeaders,
                           @RestForm("stored_headers") String storedHeaders, @RestForm String filter,
                           @RestForm String ordered, @RestForm("rate_limit") String rateLimit,
                           @RestForm("retry_count") String retryCount,
                           @RestForm("timeout_seconds") String timeoutSeconds) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        Form form = new Form(webhookId.toString(), url, description, events == null ? List.of() : events, headers,
                storedHeaders == null ? "" : storedHeaders, Htmx.checked(clearHeaders), filter, Htmx.checked(ordered),
                rateLimit, retryCount, timeoutSeconds, true, false);
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> headerMap = parseHeaders(headers, errors);
        if (form.clearHeaders()) {
            headerMap = Map.of();
        }
        JsonNode filterNode = parseFilter(filter, errors);
        Integer limit = number("rate_limit_per_second", rateLimit, errors);
        Integer retries = number("retry_count", retryCount, errors);
        Integer timeout = number("timeout_seconds", timeoutSeconds, errors);
        UpdateWebhookRequest request = new UpdateWebhookRequest(url, form.events(), null,
                description == null ? "" : description, null, headerMap, retries, timeout,
                filterNode == null ? mapper.createObjectNode() : filterNode, form.ordered(), limit == null ? 0 : limit);
        errors.addAll(Violations.fieldErrors(validator.validate(request)));
        if (!errors.isEmpty()) {
            return refused(form, errors, null);
        }
        try {
            webhooks.update(webhookId, request);
            return Htmx.redirect("/webhooks/" + webhookId + "?saved=updated");
        } catch (ApiException refusal) {
            return refused(form, refusal.errors(), refusal.errors().isEmpty() ? refusal.getMessage() : null);
        }
    }

    /** Activates ({@code active=true}) or deactivates the webhook, as {@code PUT is_active} does. */
    @POST
    @Path("/{id}/active")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response activate(@RestPath String id, @RestForm String active, @RestForm String back) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        boolean on = Htmx.checked(active);
        webhooks.update(webhookId, new UpdateWebhookRequest(null, null, null, null, on, null, null, null, null, null,
                null));
        return Htmx.redirect("list".equals(back) ? "/webhooks"
                : "/webhooks/" + webhookId + "?saved=" + (on ? "activated" : "deactivated"));
    }

    @POST
    @Path("/{id}/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance rotate(@RestPath String id, @RestForm("grace_period_seconds") String grace) {
        Long seconds = null;
        if (grace != null && !grace.isBlank()) {
            try {
                seconds = Long.valueOf(grace.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException(List.of(new FieldError("grace_period_seconds", "must be a whole number")));
            }
        }
        RotateSecretRequest request = new RotateSecretRequest(seconds);
        var violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(Violations.fieldErrors(violations));
        }
        WebhookResponse rotated = webhooks.rotateSecret(QueryParams.pathId("webhook", id), request);
        return Templates.secret(new Secret(rotated, rotated.secret(), seconds, false));
    }

    @POST
    @Path("/{id}/delete")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response delete(@RestPath String id) {
        webhooks.delete(QueryParams.pathId("webhook", id));
        return Htmx.redirect("/webhooks?deleted=1");
    }

    /** The payload filter as typed so far, checked by the parser that checks it on save. */
    @POST
    @Path("/filter-check")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance filterCheck(@RestForm String filter) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode parsed = parseFilter(filter, errors);
        return Templates.filterCheck(errors.isEmpty() ? null : errors.get(0).message(), parsed == null && errors.isEmpty());
    }

    /** Human words for a grace period in seconds, for the rotation's choices. */
    public static String graceWords(long seconds) {
        if (seconds == 0) {
            return "none (stop the previous secret now)";
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0 && d.toHoursPart() == 0) {
            return d.toDays() == 1 ? "24 hours" : d.toDays() + " days";
        }
        return d.toHours() == 1 ? "1 hour" : d.toHours() + " hours";
    }

    private Row row(WebhookResponse webhook) {
        return new Row(webhook, days.of(List.of(webhook.id())).get(webhook.id()));
    }

    private static List<Event> events() {
        return Arrays.stream(EventType.values()).map(t -> new Event(t.wireName(), t.description())).toList();
    }

    /** One {@code Name: value} a line; blank lines are skipped. Null when nothing was typed. */
    private static Map<String, String> parseHeaders(String text, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                errors.add(new FieldError("headers", "line " + (i + 1) + " is not 'Name: value'"));
                continue;
            }
            headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return headers;
    }

    /** The filter's JSON; null when nothing was typed (no filter). */
    private JsonNode parseFilter(String text, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("filter", "is not valid JSON: " + e.getOriginalMessage()));
            return null;
        }
        try {
            PayloadFilter.parse(node);
        } catch (InvalidFilterException e) {
            errors.add(new FieldError("filter", e.getMessage()));
            return null;
        }
        return node;
    }

    private static Integer number(String field, String text, List<FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            errors.add(new FieldError(field, "must be a whole number"));
            return null;
        }
    }

    /** The API's field names, gathered onto the form's fields ({@code events[1]} on events, and so on). */
    private static FormErrors formErrors(List<FieldError> errors, String general) {
        List<FieldError> gathered = new ArrayList<>();
        for (FieldError error : errors) {
            String field = error.field();
            if (field.startsWith("events")) {
                gathered.add(new FieldError("events", error.message()));
            } else if (field.startsWith("headers")) {
                gathered.add(new FieldError("headers", field.equals("headers") ? error.message()
                        : field.substring("headers.".length()) + ": " + error.message()));
            } else if (field.startsWith("filter")) {
                gathered.add(new FieldError("filter", field.equals("filter") ? error.message()
                        : field + ": " + error.message()));
            } else {
                gathered.add(error);
            }
        }
        return FormErrors.of(gathered, general);
    }

    private static Response refused(Form form, List<FieldError> errors, String general) {
        return Response.status(422).entity(Templates.edit$form(form, formErrors(errors, general), events())).build();
    }



    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
