package com.cataloghooks.delivery.web;

import com.cataloghooks.delivery.send.WebhookTester;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.delivery.api.TestWebhookRequest;
import com.cataloghooks.delivery.api.TestWebhookResponse;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

@Path("/api/v1/webhooks/{id}/test")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class WebhookTestResource {

    private final WebhookTester tester;

    public WebhookTestResource(WebhookTester tester) {
        this.tester = tester;
    }

    @RolesAllowed(Roles.WEBHOOK_ADMIN)
    @POST
    @Operation(operationId = "testWebhook",
            summary = "Send one signed test request to the webhook (also when inactive) and report the outcome")
    @APIResponse(responseCode = "200", description = "The receiver's answer, or why there was none",
            content = @Content(schema = @Schema(implementation = TestWebhookResponse.class)))
    @APIResponse(responseCode = "429", ref = "TooManyRequests")
    @RequestBody(required = false, description = "Optional: the event defaults to the webhook's first, the payload"
            + " to that event's example with \"test\": true",
            content = @Content(schema = @Schema(implementation = TestWebhookRequest.class)))
    public TestWebhookResponse test(@RestPath String id, TestWebhookRequest request) {
        return tester.test(QueryParams.pathId("webhook", id), request);
    }
}
