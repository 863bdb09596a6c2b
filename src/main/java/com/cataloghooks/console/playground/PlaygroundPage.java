package com.cataloghooks.console.playground;

import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.console.FormErrors;
import com.cataloghooks.console.playground.SignatureCheck.Verification;
import com.cataloghooks.delivery.api.TestWebhookRequest;
import com.cataloghooks.delivery.send.WebhookTester;
import com.cataloghooks.security.Roles;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.WebhookTarget;
import com.cataloghooks.webhook.api.WebhookResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
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
import org.jboss.resteasy.reactive.RestQuery;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The console's playground: pick an event from the catalog, edit its example payload, and send it, either to a
 * webhook (the API's test send, {@link WebhookTester}, with the edited payload as the event's data) or to the
 * built-in inbox ({@link PlaygroundInbox}), which keeps the request exactly as the sender would build it for a
 * webhook's secrets or for a playground secret made for it. Each request is shown as sent, with the receiver's answer
 * for a test send, and with which secrets verify its two signature headers ({@link SignatureCheck}).
 */
@Path("/playground")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class PlaygroundPage {

    static final String INBOX_URL = "(playground inbox)";
    private static final int MAX_WEBHOOKS = 100;
    private static final int MAX_ANSWER_HEADERS = 50;
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** What the form shows: the values typed. */
    @TemplateData
    public record Form(String event, String payload, String webhook) {
    }

    @TemplateData
    public record Choice(String value, String label, boolean selected) {
    }

    @TemplateData
    public record Header(String name, String value) {
        static List<Header> of(Map<String, String> headers) {
            return headers.entrySet().stream().map(h -> new Header(h.getKey(), h.getValue())).toList();
        }
    }

    /** A request as sent or kept, with its verification. */
    @TemplateData
    public record Shown(String id, Instant at, String event, String method, String url, List<Header> headers,
                        String body, String signedWith, String playgroundSecret, Verification verification) {
    }

    /** A test send: the request as sent and what the receiver answered. */
    @TemplateData
    public record Sent(Shown request, boolean success, Integer status, int timeMs, String error,
                       List<Header> answerHeaders, String answerBody) {
    }

    /** Everything below the heading, swapped as one after each action. */
    @TemplateData
    public record Workspace(Form form, FormErrors errors, List<Choice> events, List<Choice> webhooks, Sent sent,
                            List<Shown> inbox, String notice) {
    }

    @CheckedTemplate(basePath = "console/playground")
    static class Templates {
        static native TemplateInstance playground(Workspace workspace);

        static native TemplateInstance playground$workspace(Workspace workspace);

        static native TemplateInstance playground$payloadField(Form form, FormErrors errors);
    }

    private final WebhookService webhooks;
    private final WebhookTester tester;
    private final PlaygroundInbox inbox;
    private final ObjectMapper mapper;
    private final SecurityIdentity identity;
    // per instance, made at run time: a static one would be seeded when the native image is built
    private final SecureRandom random = new SecureRandom();

    public PlaygroundPage(WebhookService webhooks, WebhookTester tester, PlaygroundInbox inbox, ObjectMapper mapper,
                          SecurityIdentity identity) {
        this.webhooks = webhooks;
        this.tester = tester;
        this.inbox = inbox;
        this.mapper = mapper;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    public TemplateInstance page(@RestQuery String event) {
        String chosen = EventType.fromWireName(event).map(EventType::wireName).orElse(EventType.PRODUCT_CREATED.wireName());
        Form form = new Form(chosen, exampleOf(chosen), "");
        return Templates.playground(workspace(form, FormErrors.none(), null, null));
    }

    /** The payload editor holding the example of the event picked. */
    @GET
    @Path("/example")
    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    public TemplateInstance example(@RestQuery String event) {
        String chosen = EventType.fromWireName(event).map(EventType::wireName).orElse(EventType.PRODUCT_CREATED.wireName());
        return Templates.playground$payloadField(new Form(chosen, exampleOf(chosen), null), FormErrors.none());
    }

    /** Builds the request as the sender would, signed with the webhook's secrets or a new playground secret, and keeps it. */
    @POST
    @Path("/inbox")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response sendToInbox(@RestForm String event, @RestForm String payload, @RestForm String webhook) {
        Form form = new Form(event, payload, webhook);
        try {
            TestWebhookRequest request = request(form);
            UUID webhookId = webhookId(form, false);
            WebhookTester.Prepared prepared;
            String playgroundSecret = null;
            if (webhookId == null) {
                playgroundSecret = newSecret();
                prepared = tester.prepare(INBOX_URL, playgroundSecret, request);
            } else {
                prepared = tester.prepare(webhookId, request);
            }
            checkSize(prepared.body());
            inbox.store(principal(), webhookId, playgroundSecret, prepared.event(), prepared.url(), prepared.headers(),
                    prepared.body());
            return Response.ok(Templates.playground$workspace(workspace(form, FormErrors.none(), null,
                    "Sent to the inbox: the newest request is first below."))).build();
        } catch (ApiException refusal) {
            return refused(form, FormErrors.of(refusal));
        }
    }

    /** The API's test send, with the edited payload as the event's data; shows the request and the answer. */
    @POST
    @Path("/send")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public Response sendToWebhook(@RestForm String event, @RestForm String payload, @RestForm String webhook) {
        Form form = new Form(event, payload, webhook);
        try {
            TestWebhookRequest request = request(form);
            UUID webhookId = webhookId(form, true);
            checkSize(tester.prepare(INBOX_URL, null, request).body());
            WebhookTester.Shown shown = tester.testShowing(webhookId, request);
            WebhookTarget target = webhooks.target(webhookId);
            WebhookTester.Prepared sent = shown.request();
            Shown asSent = new Shown(null, Instant.now(), sent.event(), sent.method(), sent.url(),
                    Header.of(sent.headers()), sent.body(), "the webhook's secrets", null,
                    SignatureCheck.verify(sent.headers(), sent.body(), "Current secret", target.secret(),
                            target.previousSecret()));
            List<Header> answerHeaders = Header.of(shown.answerHeaders()).stream().limit(MAX_ANSWER_HEADERS).toList();
            Sent result = new Sent(asSent, shown.outcome().success(), shown.outcome().statusCode(),
                    shown.outcome().responseTimeMs(), shown.outcome().error(), answerHeaders,
                    shown.outcome().responseBody());
            return Response.ok(Templates.playground$workspace(workspace(form, FormErrors.none(), result, null))).build();
        } catch (ApiException refusal) {
            return refused(form, FormErrors.of(refusal));
        }
    }

    @POST
    @Path("/inbox/clear")
    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    public TemplateInstance clearInbox(@RestForm String event, @RestForm String payload, @RestForm String webhook) {
        inbox.clear(principal());
        return Templates.playground$workspace(workspace(new Form(event, payload, webhook), FormErrors.none(), null,
                "The inbox is empty."));
    }

    private Response refused(Form form, FormErrors errors) {
        return Response.status(422).entity(Templates.playground$workspace(workspace(form, errors, null, null))).build();
    }

    /** The payload as the API's test request takes it: a JSON object, with a message by the field when it is not. */
    private TestWebhookRequest request(Form form) {
        List<FieldError> errors = new ArrayList<>();
        if (form.event() == null || EventType.fromWireName(form.event()).isEmpty()) {
            errors.add(new FieldError("event", "pick an event from the catalog: " + EventType.wireNames()));
        }
        Map<String, Object> payload = null;
        String text = form.payload() == null ? "" : form.payload();
        if (text.isBlank()) {
            errors.add(new FieldError("payload", "must not be blank: write the event's data as a JSON object"));
        } else if (text.getBytes(StandardCharsets.UTF_8).length > PlaygroundInbox.MAX_BODY_BYTES) {
            errors.add(new FieldError("payload", "must be at most " + PlaygroundInbox.MAX_BODY_BYTES / 1024 + " KiB"));
        } else {
            try {
                JsonNode node = mapper.readTree(text);
                if (node == null || !node.isObject()) {
                    errors.add(new FieldError("payload", "must be a JSON object ({ ... }), the event's data"));
                } else {
                    payload = mapper.convertValue(node, OBJECT);
                }
            } catch (JsonProcessingException e) {
                String where = e.getLocation() == null ? ""
                        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
                errors.add(new FieldError("payload", "is not valid JSON" + where + ": " + e.getOriginalMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new com.cataloghooks.common.error.InvalidInputException(errors);
        }
        return new TestWebhookRequest(form.event(), payload);
    }

    private static UUID webhookId(Form form, boolean required) {
        if (form.webhook() == null || form.webhook().isBlank()) {
            if (required) {
                throw new com.cataloghooks.common.error.InvalidInputException("webhook",
                        "pick the webhook to send to");
            }
            return null;
        }
        try {
            return UUID.fromString(form.webhook().strip());
        } catch (IllegalArgumentException e) {
            throw new com.cataloghooks.common.error.InvalidInputException("webhook", "is not a webhook id");
        }
    }

    private static void checkSize(String body) {
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PlaygroundInbox.MAX_BODY_BYTES) {
            throw new com.cataloghooks.common.error.InvalidInputException("payload", "makes a request body of "
                    + bytes + " bytes; the playground sends at most " + PlaygroundInbox.MAX_BODY_BYTES);
        }
    }

    private Workspace workspace(Form form, FormErrors errors, Sent sent, String notice) {
        List<Choice> events = Arrays.stream(EventType.values())
                .map(t -> new Choice(t.wireName(), t.wireName() + " \u2014 " + t.description(),
                        t.wireName().equals(form.event())))
                .toList();
        List<Choice> hooks = new ArrayList<>();
        List<WebhookResponse> listed = webhooks.list(null, new PageRequest(MAX_WEBHOOKS, 0)).items();
        for (WebhookResponse hook : listed) {
            String label = hook.url() + (hook.hasSecret() ? "" : " (unsigned)")
                    + (hook.previousSecretExpiresAt() != null && hook.previousSecretExpiresAt().isAfter(Instant.now())
                    ? " (rotating)" : "") + (hook.isActive() ? "" : " (inactive)");
            hooks.add(new Choice(hook.id().toString(), label, hook.id().toString().equals(form.webhook())));
        }
        return new Workspace(form, errors, events, hooks, sent, shownInbox(), notice);
    }

    private List<Shown> shownInbox() {
        Map<UUID, WebhookTarget> targets = new HashMap<>();
        List<Shown> shown = new ArrayList<>();
        for (PlaygroundInbox.Entry entry : inbox.list(principal())) {
            Verification verification;
            String signedWith;
            if (entry.webhookId() == null) {
                signedWith = "a playground secret";
                verification = SignatureCheck.verify(entry.headers(), entry.body(), "Playground secret",
                        entry.playgroundSecret(), null);
            } else {
                WebhookTarget target = targets.computeIfAbsent(entry.webhookId(), this::targetOrNull);
                signedWith = "the secrets of webhook " + (target == null ? entry.webhookId() : target.url());
                verification = target == null
                        ? Verification.unavailable("The webhook no longer exists: there is no secret to verify with.")
                        : SignatureCheck.verify(entry.headers(), entry.body(), "Current secret", target.secret(),
                        target.previousSecret());
            }
            shown.add(new Shown(entry.id().toString(), entry.receivedAt(), entry.event(), "POST", entry.url(),
                    Header.of(entry.headers()), entry.body(), signedWith, entry.playgroundSecret(), verification));
        }
        return shown;
    }

    private WebhookTarget targetOrNull(UUID id) {
        try {
            return webhooks.target(id);
        } catch (NotFoundException gone) {
            return null;
        }
    }

    private String exampleOf(String event) {
        try {
            return mapper.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(EventType.fromWireName(event).orElseThrow().example());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String newSecret() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private String principal() {
        return identity.getPrincipal().getName();
    }
}
