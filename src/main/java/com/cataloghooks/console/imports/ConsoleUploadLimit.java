package com.cataloghooks.console.imports;

import com.cataloghooks.importing.ImportService;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The console's upload is refused before a byte of it is read when it announces more than
 * {@code catalog.imports.max-upload-size}, as the API's is ({@code importing.UploadLimit}); the page's script
 * says so before sending, so this is for whoever skips it. An upload that does not announce its length is
 * measured when stored ({@link ImportService#startUpload}).
 */
public class ConsoleUploadLimit {

    private final ImportService imports;

    public ConsoleUploadLimit(ImportService imports) {
        this.imports = imports;
    }

    @ServerRequestFilter(preMatching = true)
    public Response check(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && "/imports".equals(request.getUriInfo().getPath())
                && request.getLength() > imports.maxUploadSize()) {
            return Response.status(413).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                    .entity("The file is larger than the limit of " + imports.maxUploadSize()
                            + " bytes (catalog.imports.max-upload-size).").build();
        }
        return null;
    }
}
