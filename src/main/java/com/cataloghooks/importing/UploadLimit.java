package com.cataloghooks.importing;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses an upload that announces a size over {@code catalog.imports.max-upload-size} before a byte of it is
 * read (a problem+json 413). Uploads without a length are counted as they are stored instead.
 */
public class UploadLimit {

    private final UploadStore uploads;

    public UploadLimit(UploadStore uploads) {
        this.uploads = uploads;
    }

    @ServerRequestFilter(preMatching = true)
    public void check(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && request.getUriInfo().getPath().startsWith(ImportResource.PATH)
                && request.getLength() > uploads.limit()) {
            throw uploads.tooLarge();
        }
    }
}
