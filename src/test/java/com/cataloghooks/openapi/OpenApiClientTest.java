package com.cataloghooks.openapi;

import com.cataloghooks.client.ApiClient;
import com.cataloghooks.client.ApiException;
import com.cataloghooks.client.api.ProductsApi;
import com.cataloghooks.client.api.WebhooksApi;
import com.cataloghooks.client.model.CreateProductRequest;
import com.cataloghooks.client.model.CreateWebhookRequest;
import com.cataloghooks.client.model.ProductResponse;
import com.cataloghooks.client.model.TestWebhookRequest;
import com.cataloghooks.client.model.TestWebhookResponse;
import com.cataloghooks.client.model.UpdateProductRequest;
import com.cataloghooks.client.model.WebhookLogResponse;
import com.cataloghooks.client.model.WebhookResponse;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.TestReceiver.ReceivedRequest;
import com.cataloghooks.testsupport.WebhookApi;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.standardwebhooks.Webhook;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.cataloghooks.testsupport.Signatures.expectedBodySignature;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's flow ("Manual Testing" in the seed's spec), run the way an integrator would: through a Java client
 * generated from the committed OpenAPI document by openapi-generator (see pom.xml), against the running service
 * and a real receiver. Its models refuse any field the document does not list.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OpenApiClientTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TestHTTPResource("/")
    URI service;

    private TestReceiver receiver;
    private WebhooksApi webhooks;
    private ProductsApi products;
    private final List<UUID> created = new ArrayList<>();

    @BeforeEach
    void client() {
        receiver = TestReceiver.start();
        ApiClient client = new ApiClient();
        client.updateBaseUri(service.toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", TestAuth.BEARER));
        client.setObjectMapper(client.getObjectMapper().copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));
        webhooks = new WebhooksApi(client);
        products = new ProductsApi(client);
    }

    @AfterEach
    void cleanUp() throws ApiException {
        for (UUID id : created) {
            webhooks.deleteWebhook(id.toString());
        }
        receiver.close();
    }

    @Test
    void theSeedsFlowThroughAGeneratedClient() throws Exception {
        String path = "/hook-" + UUID.randomUUID();

        // 1. create a webhook
        WebhookResponse webhook = webhooks.createWebhook(new CreateWebhookRequest()
                .url(receiver.url(path))
                .events(List.of("product.created", "product.updated", "product.deleted"))
                .description("Test webhook").secret(SECRET).isActive(true));
        created.add(webhook.getId());
        assertTrue(webhook.getHasSecret());
        assertNull(webhook.getLastError());
        String id = webhook.getId().toString();

        // 2. test it: one real, signed request
        TestWebhookResponse test = webhooks.testWebhook(id, new TestWebhookRequest()
                .event("product.created").payload(Map.of("id", "test-123", "sku", "TEST-001")));
        assertTrue(test.getSuccess());
        assertEquals(200, test.getStatusCode());

        // 3. create a product: the receiver gets product.created, signed with the webhook's secret
        String sku = WebhookApi.uniqueSku();
        ProductResponse product = products.createProduct(new CreateProductRequest()
                .sku(sku).name("Webhook Test Product").active(true), null);
        assertNull(product.getDescription());
        ReceivedRequest createdEvent = awaitEvent(path, "product.created", sku);
        new Webhook(SECRET).verify(createdEvent.bodyAsString(), Map.of(
                "webhook-id", List.of(createdEvent.header("webhook-id")),
                "webhook-timestamp", List.of(createdEvent.header("webhook-timestamp")),
                "webhook-signature", List.of(createdEvent.header("webhook-signature"))));
        assertEquals(expectedBodySignature(SECRET, createdEvent.body()), createdEvent.header("X-Webhook-Signature"));
        assertTrue(createdEvent.bodyAsString().contains(sku));

        // 4. update it, 5. delete it: both reach the receiver
        ProductResponse updated = products.updateProduct(product.getId().toString(),
                new UpdateProductRequest().name("Renamed"), null);
        assertEquals("Renamed", updated.getName());
        awaitEvent(path, "product.updated", sku);
        products.deleteProduct(product.getId().toString(), null);
        awaitEvent(path, "product.deleted", sku);
        ApiException gone = assertThrows(ApiException.class,
                () -> products.getProduct(product.getId().toString()));
        assertEquals(404, gone.getCode());

        // 6. the logs: the test send and the three events, each answered 200
        List<WebhookLogResponse> logs = await().atMost(Duration.ofSeconds(30)).until(
                () -> webhooks.listWebhookLogs(id, "10", null).getItems(), items -> items.size() == 4);
        assertEquals(List.of("product.deleted", "product.updated", "product.created", "product.created"),
                logs.stream().map(WebhookLogResponse::getEvent).toList());
        assertTrue(logs.stream().allMatch(log -> log.getStatusCode() == 200));
        assertEquals(1, logs.stream().filter(WebhookLogResponse::getTest).count());
        assertFalse(webhooks.listWebhookLogs(id, "10", null).getHasMore());
        await().atMost(Duration.ofSeconds(30)).until(() -> webhooks.getWebhook(id).getSuccessCount() == 3);
    }

    /** The event about this SKU (the test send, also product.created, is about another). */
    private ReceivedRequest awaitEvent(String path, String event, String sku) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests(path).stream()
                        .filter(r -> event.equals(r.header("X-Webhook-Event")) && r.bodyAsString().contains(sku))
                        .findFirst().orElse(null),
                r -> r != null);
    }
}
