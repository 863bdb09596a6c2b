package com.cataloghooks.common;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.RawHttp;
import com.cataloghooks.testsupport.WebhookApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JSON body may have at most 10 MiB, whether its length is announced or it comes chunked: over the limit it is
 * answered 413 problem+json as soon as the limit is passed, and the server reads no further.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class JsonBodyLimitTest {

    private static final long LIMIT = 10L * 1024 * 1024;
    /** Well past the limit, and past the HTTP layer's own limit in tests (16M), yet bounded. */
    private static final long TOTAL = 64L * 1024 * 1024;

    @Test
    void aChunkedJsonBodyOverTheLimitIsAnswered413BeforeItIsAllSent() throws Exception {
        String sku = WebhookApi.uniqueSku();
        RawHttp.Answer answer = RawHttp.post("/api/v1/products", "application/json", "Transfer-Encoding: chunked",
                out -> {
                    byte[] head = ("{\"sku\": \"" + sku + "\", \"name\": \"").getBytes(StandardCharsets.US_ASCII);
                    RawHttp.chunk(out, head);
                    byte[] chunk = new byte[64 * 1024];
                    Arrays.fill(chunk, (byte) 'a');
                    for (long sent = head.length; sent < TOTAL; sent += chunk.length) {
                        RawHttp.chunk(out, chunk);
                    }
                    RawHttp.chunk(out, "\"}".getBytes(StandardCharsets.US_ASCII));
                    RawHttp.lastChunk(out);
                }, 20);

        String text = answer.text();
        assertTrue(text.startsWith("HTTP/1.1 413"), text);
        assertTrue(text.toLowerCase().contains("content-type: application/problem+json"), text);
        assertTrue(text.contains("\"status\":413"), text);
        assertTrue(text.contains("\"type\":\"/problems/too-large\""), text);
        assertTrue(text.contains("\"field\":\"body\""), text);
        assertTrue(answer.sentWhenAnswered() < TOTAL,
                "answered only after the whole body was sent (" + answer.sentWhenAnswered() + " bytes)");
        assertFalse(answer.bodyCompleted(),
                "the server read the whole body (" + answer.sentInAll() + " bytes) after answering: " + text);
        given().queryParam("sku", sku).when().get("/api/v1/products").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void anAnnouncedJsonBodyOverTheLimitIsRefusedFromItsHeaders() throws Exception {
        RawHttp.Answer answer = RawHttp.post("/api/v1/products", "application/json",
                "Content-Length: " + (LIMIT + 1), out -> { }, 5);
        assertTrue(answer.text().startsWith("HTTP/1.1 413"), answer.text());
        assertTrue(answer.text().contains("\"type\":\"/problems/too-large\""), answer.text());
    }

    @Test
    void aChunkedJsonBodyUnderTheLimitIsRead() throws Exception {
        String sku = WebhookApi.uniqueSku();
        RawHttp.Answer answer = RawHttp.post("/api/v1/products", "application/json", "Transfer-Encoding: chunked",
                out -> {
                    RawHttp.chunk(out, ("{\"sku\": \"" + sku + "\", ").getBytes(StandardCharsets.US_ASCII));
                    RawHttp.chunk(out, ("\"name\": \"" + "n".repeat(200) + "\", \"description\": \"d\"")
                            .getBytes(StandardCharsets.US_ASCII));
                    // 1 MiB of whitespace: far more than is buffered before the body is streamed, still valid
                    RawHttp.chunk(out, (" ".repeat(1024 * 1024) + "}").getBytes(StandardCharsets.US_ASCII));
                    RawHttp.lastChunk(out);
                }, 30);
        assertTrue(answer.text().startsWith("HTTP/1.1 201"), answer.text());
        assertTrue(answer.bodyCompleted());
        given().queryParam("sku", sku).when().get("/api/v1/products").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].sku", equalTo(sku));
    }
}
