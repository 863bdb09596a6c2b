package com.cataloghooks.importing;

import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.Problem;
import com.cataloghooks.common.error.UnsupportedMediaException;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.task.TaskEvents;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskRunner;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.api.TaskAccepted;
import com.cataloghooks.task.api.TaskResponse;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.InputStream;
import java.util.UUID;

/**
 * CSV imports: upload (multipart field {@code file}, or a raw {@code text/csv} body), then follow the task.
 * The upload is stored before the answer; the import itself runs in the background.
 */
@Path(ImportResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Imports")
public class ImportResource {

    static final String PATH = "/api/v1/products/imports";
    static final String CSV = "text/csv";

    private final ImportService imports;
    private final UploadStore uploads;
    private final TaskService tasks;
    private final TaskEvents events;
    private final TaskRunner runner;

    public ImportResource(ImportService imports, UploadStore uploads, TaskService tasks, TaskEvents events,
                          TaskRunner runner) {
        this.imports = imports;
        this.uploads = uploads;
        this.tasks = tasks;
        this.events = events;
        this.runner = runner;
    }

    @RolesAllowed(Roles.WRITER)
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(operationId = "importProducts", summary = "Import products from a CSV file (multipart field 'file')",
            description = "Columns by header: sku and name required; description and active optional. Upsert by"
                    + " SKU, any case. Answers 202 once the file is stored; follow status_url or events_url.")
    @APIResponse(responseCode = "202", description = "Stored and queued",
            headers = @Header(name = "Location", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = TaskAccepted.class)))
    @APIResponse(responseCode = "413", description = "Larger than catalog.imports.max-upload-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "415", description = "Not a CSV file, or not UTF-8",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "Too many imports unfinished on this instance; try again later",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response uploadForm(@RestForm("file") FileUpload file,
                               @Parameter(description = "Overrides the file part's name") @RestForm String filename,
                               UriInfo uriInfo) {
        if (file == null) {
            throw new InvalidInputException("file", "is required: send the CSV file in the multipart field 'file'");
        }
        return accepted(imports.startUpload(file.uploadedFile(), file.contentType(), file.charSet(),
                filename != null ? filename : file.fileName()), uriInfo);
    }

    @RolesAllowed(Roles.WRITER)
    @POST
    @Consumes({CSV, "application/csv"})
    @Operation(operationId = "importProducts",
            summary = "Import products from a CSV request body", description = "Same as the multipart upload;"
            + " the file name comes from the filename query parameter.")
    @APIResponse(responseCode = "202", description = "Stored and queued",
            headers = @Header(name = "Location", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = TaskAccepted.class)))
    public Response uploadBody(InputStream body, @RestQuery String filename, @Context HttpHeaders headers,
                               UriInfo uriInfo) {
        ImportService.requireUtf8("Content-Type", headers.getMediaType().getParameters().get("charset"));
        String name = ImportService.filename(filename);
        runner.ensureRoom();
        java.nio.file.Path stored = uploads.save(body);
        return accepted(imports.start(stored, name), uriInfo);
    }

    @RolesAllowed(Roles.WRITER)
    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(hidden = true)
    public Response unsupported() {
        throw new UnsupportedMediaException("Content-Type",
                "send the CSV file as multipart/form-data (field 'file') or as a text/csv body");
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Operation(operationId = "listImports", summary = "List imports, newest first")
    public Page<TaskResponse> list(@RestQuery String limit, @RestQuery String offset) {
        return tasks.list(TaskKind.IMPORT, PageRequest.parse(limit, offset, 20, 100));
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}")
    @Operation(operationId = "getImport", summary = "An import's state: status, counts, the first row errors")
    public TaskResponse get(@RestPath String id) {
        return tasks.get(TaskKind.IMPORT, QueryParams.pathId("import", id));
    }

    @RolesAllowed(Roles.WRITER)
    @DELETE
    @Path("/{id}")
    @Operation(operationId = "cancelImport", summary = "Cancel an import (rows already imported stay)")
    @APIResponse(responseCode = "202", description = "Cancelled, or the import stops at its next batch",
            content = @Content(schema = @Schema(implementation = TaskResponse.class)))
    @APIResponse(responseCode = "409", description = "The import has already ended",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response cancel(@RestPath String id) {
        return Response.accepted(tasks.cancel(TaskKind.IMPORT, QueryParams.pathId("import", id))).build();
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(operationId = "streamImportEvents",
            summary = "Live progress (Server-Sent Events): 'progress' at least once a second, then the final status")
    @APIResponse(responseCode = "200", description = "The task's state as events: 'progress', then its final status",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    public Multi<OutboundSseEvent> events(@RestPath String id, @Context Sse sse) {
        return events.stream(TaskKind.IMPORT, QueryParams.pathId("import", id), sse);
    }

    private static Response accepted(UUID task, UriInfo uriInfo) {
        String status = PATH + "/" + task;
        return Response.accepted(new TaskAccepted(task, "queued", status, status + "/events"))
                .location(uriInfo.getBaseUriBuilder().path(status).build()).build();
    }
}
