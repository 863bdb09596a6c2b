package com.cataloghooks.webhook;

import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.error.Problem;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.EventTypeResponse;
import com.cataloghooks.webhook.api.UpdateWebhookRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import com.cataloghooks.webhook.api.RotateSecretRequest;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Arrays;
import java.util.List;

@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookResource {

    private final WebhookService service;

    public WebhookResource(WebhookService service) {
        this.service = service;
    }

    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    @GET
    @Operation(operationId = "listWebhooks", summary = "List webhooks, newest first")
    public Page<WebhookResponse> list(@RestQuery String limit, @RestQuery String offset,
                                      @RestQuery("is_active") String isActive) {
        return service.list(QueryParams.boolParam("is_active", isActive), PageRequest.parse(limit, offset, 20, 100));
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @POST
    @Operation(operationId = "createWebhook", summary = "Create a webhook")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = CreateWebhookRequest.class),
            examples = {
                    @ExampleObject(name = "Standard Webhooks secret made by the service", value = """
                            {"url": "https://receiver.example.com/hooks", "events": ["product.created"],
                             "generate_secret": true}"""),
                    @ExampleObject(name = "filtered, ordered, rate limited", value = """
                            {"url": "https://receiver.example.com/hooks",
                             "events": ["product.created", "product.updated"],
                             "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                             "filter": {"active": true, "$or": [{"sku": {"$in": ["A-1", "B-2"]}},
                                                                {"name": {"$exists": true}}]},
                             "ordered": true, "rate_limit_per_second": 20}""")}))
    @APIResponse(responseCode = "201", description = "The webhook created; Location names it",
            headers = @Header(name = "Location", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = WebhookResponse.class)))
    public Response create(@Valid @NotNull CreateWebhookRequest request, UriInfo uriInfo) {
        WebhookResponse created = service.create(request);
        return Response.created(uriInfo.getAbsolutePathBuilder().path(created.id().toString()).build())
                .entity(created).build();
    }

    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    @GET
    @Path("/events")
    @Operation(operationId = "listEventTypes",
            summary = "The events a webhook can subscribe to, with an example payload each")
    public List<EventTypeResponse> events() {
        return Arrays.stream(EventType.values())
                .map(t -> new EventTypeResponse(t.wireName(), t.description(), t.example()))
                .toList();
    }

    @RolesAllowed({Roles.READER, Roles.WEBHOOK_ADMIN})
    @GET
    @Path("/{id}")
    @Operation(operationId = "getWebhook", summary = "Get a webhook")
    public WebhookResponse get(@RestPath String id) {
        return service.get(QueryParams.pathId("webhook", id));
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @PUT
    @Path("/{id}")
    @Operation(operationId = "updateWebhook", summary = "Update some fields of a webhook")
    public WebhookResponse update(@RestPath String id, @Valid @NotNull UpdateWebhookRequest request) {
        return service.update(QueryParams.pathId("webhook", id), request);
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @POST
    @Path("/{id}/secret/rotate")
    @Operation(operationId = "rotateWebhookSecret",
            summary = "Replace the secret with a new 'whsec_' one, returned once in 'secret'",
            description = "Until previous_secret_expires_at (24 h unless grace_period_seconds says), every request"
                    + " carries two Standard Webhooks signatures, 'webhook-signature: v1,<new> v1,<previous>', so"
                    + " receivers can switch at their pace; X-Webhook-Signature uses the new secret at once.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RotateSecretRequest.class),
            examples = @ExampleObject(name = "one hour", value = "{\"grace_period_seconds\": 3600}")))
    public WebhookResponse rotateSecret(@RestPath String id, @Valid RotateSecretRequest request) {
        return service.rotateSecret(QueryParams.pathId("webhook", id), request);
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook with all its deliveries and logs",
            description = "In short transactions, so attempts of other webhooks are never held up: the webhook is"
                    + " deactivated first, then its history goes in batches; 204 once it is gone. A delete that was"
                    + " interrupted (503) leaves the webhook inactive, with a disabled_reason saying so: DELETE it"
                    + " again to finish.")
    @APIResponse(responseCode = "204", description = "Deleted, with its deliveries and logs")
    // a 204 has no body to negotiate: a client that accepts only the problem+json of the failures (what generated
    // clients send when 204 is the only success) must not get 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response delete(@RestPath String id) {
        service.delete(QueryParams.pathId("webhook", id));
        return Response.noContent().build();
    }
}
