package com.cataloghooks.console.overview;

import com.cataloghooks.console.deliveries.DeliveryChart;
import com.cataloghooks.console.deliveries.DeliveryCharts;
import com.cataloghooks.security.Roles;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
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
        static native TemplateInstance overview(DeliveryChart chart);
    }

    private final DeliveryCharts charts;
    private final SecurityIdentity identity;

    public OverviewPage(DeliveryCharts charts, SecurityIdentity identity) {
        this.charts = charts;
        this.identity = identity;
    }

    /** The 24-hour chart of every webhook's attempts (counts and latency, no payload) for readers. */
    @GET
    @Authenticated
    @Blocking
    public TemplateInstance overview() {
        return Templates.overview(identity.hasRole(Roles.READER) ? charts.overall() : null);
    }
}
