package com.cataloghooks.delivery;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.Map;

/** The HTTP call to a receiver. Only {@link WebhookSender} uses it; it adds timeouts, retries and classification. */
@RegisterRestClient(configKey = "webhook-receiver")
interface WebhookReceiverClient {

    @POST
    Uni<Response> post(@Url String url, @RestHeader Map<String, String> headers, String body);
}
