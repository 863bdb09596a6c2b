package com.cataloghooks.delivery.web;

import com.cataloghooks.delivery.history.WebhookLog;
import com.cataloghooks.delivery.history.WebhookLogRepository;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.delivery.api.WebhookLogResponse;
import com.cataloghooks.webhook.WebhookService;
import jakarta.transaction.Transactional;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/webhooks/{id}/logs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks")
public class DeliveryLogResource {

    private final WebhookService webhooks;
    private final WebhookLogRepository logs;

    public DeliveryLogResource(WebhookService webhooks, WebhookLogRepository logs) {
        this.webhooks = webhooks;
        this.logs = logs;
    }

    @RolesAllowed(Roles.DELIVERY_PAYLOAD_READER)
    @GET
    @Transactional
    @Operation(operationId = "listWebhookLogs", summary = "Every attempt to reach the webhook, newest first",
            description = "The page shape of every list; has_more tells whether another page follows (attempt logs"
                    + " are not counted: a busy webhook has millions).")
    public Page<WebhookLogResponse> logs(@RestPath String id, @RestQuery String limit, @RestQuery String offset) {
        UUID webhookId = QueryParams.pathId("webhook", id);
        PageRequest page = PageRequest.parse(limit, offset, 50, 100);
        webhooks.requireExists(webhookId);
        List<WebhookLogResponse> rows = logs.page(webhookId, new PageRequest(page.limit() + 1, page.offset())).stream()
                .map(DeliveryLogResource::toResponse).toList();
        boolean more = rows.size() > page.limit();
        return Page.uncounted(more ? rows.subList(0, page.limit()) : rows, page, more);
    }

    private static WebhookLogResponse toResponse(WebhookLog log) {
        return new WebhookLogResponse(log.getId(), log.getWebhookId(), log.getDeliveryId(), log.getEventId(),
                log.getEvent(), log.getAttempt(), log.getPayload(), log.getRequestHeaders(), log.getStatusCode(), log.getResponseBody(),
                log.getResponseTimeMs(), log.getError(), log.isTest(), log.getCreatedAt());
    }
}
