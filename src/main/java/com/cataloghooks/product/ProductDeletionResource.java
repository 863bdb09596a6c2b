package com.cataloghooks.product;

import com.cataloghooks.common.error.Problem;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.task.TaskEvents;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.api.TaskResponse;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Bulk deletes started by {@code DELETE /api/v1/products?confirm=true}: their state, progress and cancel. */
@Path(ProductDeletionResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Products")
public class ProductDeletionResource {

    static final String PATH = "/api/v1/products/deletions";

    private final TaskService tasks;
    private final TaskEvents events;

    public ProductDeletionResource(TaskService tasks, TaskEvents events) {
        this.tasks = tasks;
        this.events = events;
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Operation(operationId = "listProductDeletions", summary = "List bulk deletes, newest first")
    public Page<TaskResponse> list(@RestQuery String limit, @RestQuery String offset) {
        return tasks.list(TaskKind.BULK_DELETE, PageRequest.parse(limit, offset, 20, 100));
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}")
    @Operation(operationId = "getProductDeletion",
            summary = "A bulk delete's state: status, total_rows, processed_rows, deleted")
    public TaskResponse get(@RestPath String id) {
        return tasks.get(TaskKind.BULK_DELETE, QueryParams.pathId("deletion", id));
    }

    @RolesAllowed(Roles.WRITER)
    @DELETE
    @Path("/{id}")
    @Operation(operationId = "cancelProductDeletion",
            summary = "Cancel a bulk delete (products already deleted stay deleted)")
    @APIResponse(responseCode = "202", description = "Cancelled, or the deletion stops at its next batch",
            content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "409", description = "The deletion has already ended",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response cancel(@RestPath String id) {
        return Response.accepted(tasks.cancel(TaskKind.BULK_DELETE, QueryParams.pathId("deletion", id))).build();
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(operationId = "streamProductDeletionEvents",
            summary = "Live progress (Server-Sent Events): 'progress' at least once a second, then the final status")
    @APIResponse(responseCode = "200", description = "The task's state as events: 'progress', then its final status",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    public Multi<OutboundSseEvent> events(@RestPath String id, @Context Sse sse) {
        return events.stream(TaskKind.BULK_DELETE, QueryParams.pathId("deletion", id), sse);
    }
}
