package com.cataloghooks.delivery.web;

import com.cataloghooks.common.error.Problem;
import com.cataloghooks.delivery.state.Redelivery;
import com.cataloghooks.delivery.history.DeliveryQueries;
import com.cataloghooks.delivery.plan.Replay;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.event.EventType;
import com.cataloghooks.common.web.KeysetCursor;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.delivery.api.DeliveryResponse;
import com.cataloghooks.delivery.api.ReplayAccepted;
import com.cataloghooks.delivery.api.ReplayRequest;
import com.cataloghooks.security.Roles;
import com.cataloghooks.task.api.TaskResponse;
import com.cataloghooks.webhook.WebhookService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.UUID;

/** A webhook's deliveries: list them with their attempts, send one again, replay a window of them. */
@Path("/api/v1/webhooks/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Deliveries")
public class DeliveryResource {

    private final WebhookService webhooks;
    private final DeliveryQueries queries;
    private final Redelivery redelivery;
    private final Replay replay;

    public DeliveryResource(WebhookService webhooks, DeliveryQueries queries, Redelivery redelivery,
                            Replay replay) {
        this.webhooks = webhooks;
        this.queries = queries;
        this.redelivery = redelivery;
        this.replay = replay;
    }

    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    @GET
    @Path("/deliveries")
    @Operation(operationId = "listDeliveries",
            summary = "The webhook's deliveries, newest first, each with its attempts",
            description = "Keyset paging: pass the page's next_cursor as 'after' for the next page. 'since' and"
                    + " 'until' bound when the delivery was planned (ISO-8601 instants, until exclusive).")
    public Page<DeliveryResponse> list(
            @RestPath String id,
            @Parameter(description = "pending, in_flight, succeeded or failed", example = "failed")
            @RestQuery String status,
            @Parameter(description = "an event type", example = "product.updated") @RestQuery String event,
            @Parameter(description = "planned at or after", example = "2026-11-30T00:00:00Z") @RestQuery String since,
            @Parameter(description = "planned before", example = "2026-12-01T00:00:00Z") @RestQuery String until,
            @Parameter(description = "1 to 100, default 20", example = "50") @RestQuery String limit,
            @Parameter(description = "the previous page's next_cursor") @RestQuery String after) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        DeliveryQueries.Filter filter = new DeliveryQueries.Filter(
                QueryParams.oneOf("status", status, DeliveryResponse.STATUSES),
                QueryParams.oneOf("event", event, EventType.wireNameList()),
                QueryParams.instantParam("since", since), QueryParams.instantParam("until", until));
        PageRequest page = PageRequest.parse(limit, null, 20, 100);
        KeysetCursor cursor = KeysetCursor.decode(after, "after");
        webhooks.requireExists(webhookId);
        DeliveryQueries.Result result = queries.page(webhookId, filter, page.limit(), cursor);
        Page<DeliveryResponse> found = Page.byKey(result.items(), page, result.more());
        if (result.items().isEmpty()) {
            return found;
        }
        DeliveryResponse last = result.items().get(result.items().size() - 1);
        return found.withNextCursor(new KeysetCursor(last.createdAt(), last.id()).encode());
    }

    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    @GET
    @Path("/deliveries/{deliveryId}")
    @Operation(operationId = "getDelivery", summary = "One delivery with its attempts")
    public DeliveryResponse get(@RestPath String id, @RestPath String deliveryId) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        UUID delivery = QueryParams.pathId("delivery", deliveryId);
        DeliveryResponse found = queries.one(webhookId, delivery);
        if (found == null) {
            throw new NotFoundException("delivery", deliveryId);
        }
        return found;
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @POST
    @Path("/deliveries/{deliveryId}/redeliver")
    @Operation(operationId = "redeliverDelivery", summary = "Send a finished delivery again",
            description = "The delivery goes back to pending with a fresh set of attempts. Its requests keep the"
                    + " event's webhook-id, so a receiver that already handled it can tell. 409 while it is still"
                    + " pending or in flight, or while the webhook is inactive.")
    @APIResponse(responseCode = "202", description = "Back to pending, with a fresh set of attempts",
            content = @Content(schema = @Schema(implementation = DeliveryResponse.class)))
    @APIResponse(responseCode = "409", description = "The delivery is pending or in flight, or the webhook is inactive",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response redeliver(@RestPath String id, @RestPath String deliveryId) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        UUID delivery = redelivery.redeliver(webhookId, deliveryId);
        return Response.accepted(queries.one(webhookId, delivery)).build();
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "replayDeliveries",
            summary = "Send a window of the webhook's deliveries again, as a background task",
            description = "Re-queues the finished deliveries planned in [since, until) with the given status, and"
                    + " (unless include_missed is false) plans the events of the window the webhook never got, e.g."
                    + " while it was inactive. Answers how many of each, counted now, and the task to follow. One"
                    + " replay per webhook at a time: 409, naming it, while another is queued or running.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ReplayRequest.class),
            examples = @ExampleObject(name = "failed deliveries of one day", value = """
                    {"since": "2026-11-30T00:00:00Z", "until": "2026-12-01T00:00:00Z", "status": "failed"}""")))
    @APIResponse(responseCode = "202", description = "The replay task is queued",
            content = @Content(schema = @Schema(implementation = ReplayAccepted.class)))
    @APIResponse(responseCode = "409",
            description = "Another replay of this webhook is queued or running, or the webhook is inactive",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response replay(@RestPath String id, @Valid @NotNull ReplayRequest request) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        Replay.Started started = replay.start(webhookId, request.since(), request.until(), request.status(),
                request.includeMissed());
        return Response.accepted(new ReplayAccepted(started.taskId(), started.scope().deliveries(),
                started.scope().missedEvents(), Replay.statusUrl(webhookId, started.taskId()))).build();
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @GET
    @Path("/replays/{taskId}")
    @Operation(operationId = "getReplay",
            summary = "A replay's progress: 'updated' deliveries re-queued, 'created' missed events planned")
    public TaskResponse replayTask(@RestPath String id, @RestPath String taskId) {
        return replay.progress(QueryParams.pathId("webhook", id), taskId);
    }

}
