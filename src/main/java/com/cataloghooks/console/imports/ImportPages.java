package com.cataloghooks.console.imports;

import com.cataloghooks.console.Htmx;
import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.console.FormErrors;
import com.cataloghooks.importing.ImportService;
import com.cataloghooks.security.Roles;
import com.cataloghooks.task.TaskEvents;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.api.TaskResponse;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.List;
import java.util.UUID;

/**
 * The console's imports: a CSV upload (file input or drop zone) checked and bounded exactly as the API's multipart
 * upload ({@link ImportService#startUpload}), the past imports, and an import's page whose progress comes live from
 * the task's own event stream ({@link TaskEvents}, each state rendered as an HTML fragment for htmx's SSE
 * extension), ending with the result and its rejected rows; cancel while it runs.
 */
@Path("/imports")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class ImportPages {

    static final int PAGE_SIZE = 20;

    @CheckedTemplate(basePath = "console/imports")
    static class Templates {
        static native TemplateInstance list(UploadForm upload, List<ImportView> imports, Page<TaskResponse> page);

        static native TemplateInstance list$upload(UploadForm upload);

        static native TemplateInstance task(ImportView view);

        static native TemplateInstance task$progress(ImportView view);

        static native TemplateInstance task$result(ImportView view);
    }

    private final ImportService imports;
    private final TaskService tasks;
    private final TaskEvents events;
    private final SecurityIdentity identity;

    public ImportPages(ImportService imports, TaskService tasks, TaskEvents events, SecurityIdentity identity) {
        this.imports = imports;
        this.tasks = tasks;
        this.events = events;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.READER)
    public TemplateInstance list(@RestQuery String offset) {
        Page<TaskResponse> page = tasks.list(TaskKind.IMPORT, PageRequest.parse(null, offset, PAGE_SIZE, PAGE_SIZE));
        boolean canWrite = canWrite();
        List<ImportView> views = page.items().stream().map(task -> ImportView.of(task, canWrite)).toList();
        return Templates.list(new UploadForm(FormErrors.none(), imports.maxUploadSize()), views, page);
    }

    /** The API's multipart upload, same checks and limits; a refusal is shown next to the file input. */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Roles.WRITER)
    public Response upload(@RestForm("file") FileUpload file) {
        if (file == null || (file.size() == 0 && (file.fileName() == null || file.fileName().isEmpty()))) {
            return refused(FormErrors.of(List.of(new FieldError("file", "is required: choose or drop a CSV file")), null));
        }
        try {
            UUID id = imports.startUpload(file.uploadedFile(), file.contentType(), file.charSet(), file.fileName());
            return Htmx.redirect("/imports/" + id);
        } catch (ApiException refusal) {
            return refused(FormErrors.of(refusal));
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance show(@RestPath String id) {
        return Templates.task(ImportView.of(tasks.get(TaskKind.IMPORT, QueryParams.pathId("import", id)), canWrite()));
    }

    /**
     * The task's progress stream (the API's events, same names and timing), each state as the fragment that shows
     * it: {@code progress} events carry the progress panel, the final one the result.
     */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Roles.READER)
    public Multi<OutboundSseEvent> events(@RestPath String id, @Context Sse sse) {
        boolean canWrite = canWrite(); // read here: the fragments are rendered outside this request
        return events.stream(TaskKind.IMPORT, QueryParams.pathId("import", id), sse, task -> {
            ImportView view = ImportView.of(task, canWrite);
            return (view.running() ? Templates.task$progress(view) : Templates.task$result(view)).render();
        });
    }

    /** Same as the API's cancel: a queued import ends now, a running one after its current batch. */
    @POST
    @Path("/{id}/cancel")
    @RolesAllowed(Roles.WRITER)
    public TemplateInstance cancel(@RestPath String id) {
        return Templates.task$progress(ImportView.of(tasks.cancel(TaskKind.IMPORT, QueryParams.pathId("import", id)),
                true));
    }

    private boolean canWrite() {
        return identity.hasRole(Roles.WRITER);
    }

    private Response refused(FormErrors errors) {
        return Response.status(422).entity(Templates.list$upload(new UploadForm(errors, imports.maxUploadSize())))
                .build();
    }
}
