package com.cataloghooks.console.overview;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The console's landing page at {@code /}: what a newcomer who just started the service meets first. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class OverviewPage {

    @CheckedTemplate(basePath = "console/overview")
    static class Templates {
        static native TemplateInstance overview();
    }

    @GET
    @Authenticated
    public TemplateInstance overview() {
        return Templates.overview();
    }
}
