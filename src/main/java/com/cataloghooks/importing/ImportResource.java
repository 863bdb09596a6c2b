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
import java.util.Locale;
import java.util.Set;
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

    /** What browsers and tools label a .csv file part with, besides text/csv. */
    private static final Set<String> CSV_PART_TYPES = Set.of(CSV, "application/csv", "text/plain",
            "application/vnd.ms-excel", "application/octet-stream");

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
        String type = file.contentType() == null ? null
                : file.contentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (type != null && !type.isEmpty() && !CSV_PART_TYPES.contains(type)) {
            throw new UnsupportedMediaException("file", "must be a CSV file (text/csv), not " + type);
        }
        requireUtf8("file", file.charSet());
        String name = filename(filename != null ? filename : file.fileName());
        return accepted(imports.start(uploads.adopt(file.uploadedFile()), name), uriInfo);
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
        requireUtf8("Content-Type", headers.getMediaType().getParameters().get("charset"));
        String name = filename(filename);
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

    private static void requireUtf8(String field, String charset) {
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            throw new UnsupportedMediaException(field, "the CSV must be UTF-8, not " + charset);
        }
    }

    private static String filename(String raw) {
        String name = QueryParams.textParam("filename", raw, 255);
        if (name != null && name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("filename", "must not contain line breaks or control characters");
        }
        return name == null ? "upload.csv" : name;
    }
}
