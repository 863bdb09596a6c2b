package com.cataloghooks.console;

import com.cataloghooks.console.playground.PlaygroundInbox;
import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.RotateSecretRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's playground in a real Chromium: a webhook admin edits an event's example payload, sends it to the
 * built-in inbox and to a real receiver, and sees the request as sent and which secrets verify its signatures.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsolePlaygroundTest {

    private static final String VERIFIES = "\u2713 verifies";
    private static final String DOES_NOT = "\u2717 does not verify";

    @TestHTTPResource("/")
    URL base;

    @Inject
    WebhookService webhooks;

    @Inject
    PlaygroundInbox inbox;

    private Browser browser;
    private TestReceiver receiver;

    @BeforeEach
    void open() {
        receiver = TestReceiver.start();
        browser = Browser.open(base);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
        receiver.close();
    }

    @Test
    void anAdminSendsAnEditedPayloadToTheInboxAndSeesBothSecretsVerifyDuringARotation() {
        WebhookResponse hook = webhook(receiver.url("/rotating"), Map.of());
        browser.signIn(TestAuth.WEBHOOK_ADMIN_KEY);
        browser.go("/playground");
        browser.assertAccessible("playground").screenshot("playground-01-page");

        // picking an event puts its catalog example in the editor
        select("event", "product.updated");
        browser.await(d -> payload().contains("Premium Widget v2"));
        select("event", "product.created");
        browser.await(d -> payload().contains("created_at"));

        // invalid JSON is refused by the field, and nothing is kept
        int before = entries().size();
        browser.type(By.id("payload"), "{\"sku\": \"PLAY-1\",");
        browser.click(By.id("send-inbox"));
        String error = browser.find(By.id("payload-error")).getText();
        assertTrue(error.contains("is not valid JSON"), error);
        assertEquals("true", browser.find(By.id("payload")).getAttribute("aria-invalid"));
        assertTrue(browser.find(By.id("payload")).getAttribute("aria-describedby").contains("payload-error"));
        assertEquals(before, entries().size());
        browser.assertAccessible("playground, invalid JSON").screenshot("playground-02-invalid-json");

        // with a playground secret made for the request
        browser.type(By.id("payload"), "{\"sku\": \"PLAY-1\", \"name\": \"Playground kettle\"}");
        browser.click(By.id("send-inbox"));
        browser.await(d -> entries().size() == before + 1);
        assertFalse(browser.present(By.id("payload-error")));
        WebElement first = entries().get(0);
        assertTrue(first.getText().contains("signed with a playground secret"), first.getText());
        assertTrue(first.findElement(By.cssSelector("code[id$='-secret']")).getText().startsWith("whsec_"));
        assertEquals(List.of(List.of("Playground secret", VERIFIES, VERIFIES)), verification(first));

        // with the webhook's secret
        select("webhook", hook.id().toString());
        browser.click(By.id("send-inbox"));
        browser.await(d -> entries().size() == before + 2);
        WebElement signed = entries().get(0);
        String body = signed.findElement(By.cssSelector(".request-body")).getAttribute("textContent");
        assertTrue(body.startsWith("{\"event\":\"product.created\",\"timestamp\":\""), body);
        assertTrue(body.endsWith("\"data\":{\"sku\":\"PLAY-1\",\"name\":\"Playground kettle\"}}"), body);
        Map<String, String> headers = headers(signed);
        assertEquals("application/json", headers.get("Content-Type"));
        assertEquals("product.created", headers.get("X-Webhook-Event"));
        assertTrue(headers.get("X-Webhook-Signature").matches("sha256=[0-9a-f]{64}"), headers.toString());
        assertTrue(headers.get("webhook-signature").matches("v1,[A-Za-z0-9+/=]+"), headers.toString());
        assertTrue(headers.containsKey("webhook-id") && headers.containsKey("webhook-timestamp"), headers.toString());
        assertEquals(List.of(List.of("Current secret", VERIFIES, VERIFIES)), verification(signed));
        show(signed.findElement(By.cssSelector("table.verification")));
        browser.assertAccessible("playground, inbox verified").screenshot("playground-03-inbox-verified");

        // a rotation (another page's business): arranged through the service
        webhooks.rotateSecret(hook.id(), new RotateSecretRequest(3600L));
        browser.click(By.id("send-inbox"));
        browser.await(d -> entries().size() == before + 3);
        WebElement rotated = entries().get(0);
        assertTrue(headers(rotated).get("webhook-signature").matches("v1,\\S+ v1,\\S+"), headers(rotated).toString());
        List<List<String>> checks = verification(rotated);
        assertEquals(List.of("Current secret", VERIFIES, VERIFIES), checks.get(0));
        assertEquals("Previous secret (rotation grace period)", checks.get(1).get(0));
        assertTrue(checks.get(1).get(1).startsWith(DOES_NOT), checks.toString()); // the seed header: new secret only
        assertEquals(VERIFIES, checks.get(1).get(2));
        // the request signed before the rotation still verifies with the previous secret, no longer with the new one
        browser.script("arguments[0].open = true;", entries().get(1));
        List<List<String>> older = verification(entries().get(1));
        assertEquals(List.of("Current secret", DOES_NOT, DOES_NOT), older.get(0));
        assertEquals(List.of("Previous secret (rotation grace period)", VERIFIES, VERIFIES), older.get(1));
        show(rotated.findElement(By.cssSelector("table.verification")));
        browser.assertAccessible("playground, rotation").screenshot("playground-04-rotation-both-verify");

        browser.click(By.id("clear-inbox")).acceptConfirm();
        browser.awaitText(By.id("inbox-heading"), "Inbox (0)");
        assertTrue(entries().isEmpty());
    }

    @Test
    void anAdminSendsToARealReceiverAndSeesItsAnswerAndExactlyTheBodyItGot() {
        receiver.respond("/hooks").header("X-Receiver", "playground-test").with(202, "{\"received\":true}");
        WebhookResponse hook = webhook(receiver.url("/hooks"), Map.of("X-Api-Key", "not-for-the-page"));
        browser.signIn(TestAuth.WEBHOOK_ADMIN_KEY);
        browser.go("/playground");
        select("event", "product.deleted");
        browser.await(d -> payload().contains("WIDGET-001"));
        browser.type(By.id("payload"), "{\"id\": \"123e4567-e89b-12d3-a456-426614174000\", \"sku\": \"GONE-7\", \"note\": \"caf\u00e9 <b>\"}");
        select("webhook", hook.id().toString());
        browser.click(By.id("send-webhook"));
        browser.awaitText(By.id("answer-status"), "HTTP 202");
        assertTrue(browser.find(By.id("answer-body")).getText().contains("\"received\":true"));
        assertTrue(browser.find(By.id("answer-headers")).getText().contains("playground-test"));
        assertTrue(browser.find(By.id("answer-time")).getText().matches("\\d+ ms"));
        assertEquals("POST " + receiver.url("/hooks"), browser.find(By.id("sent-request-line")).getText());

        List<TestReceiver.ReceivedRequest> got = receiver.requests("/hooks");
        assertEquals(1, got.size());
        String shownBody = browser.find(By.id("sent-body")).getAttribute("textContent");
        assertEquals(got.get(0).bodyAsString(), shownBody);
        assertTrue(shownBody.contains("\"event\":\"product.deleted\"") && shownBody.contains("caf\u00e9 <b>"), shownBody);
        WebElement result = browser.find(By.id("test-result"));
        Map<String, String> headers = headers(result);
        assertEquals(got.get(0).header("X-Webhook-Signature"), headers.get("X-Webhook-Signature"));
        assertEquals(got.get(0).header("webhook-signature"), headers.get("webhook-signature"));
        assertEquals("not-for-the-page", got.get(0).header("X-Api-Key"));
        assertEquals("********", headers.get("X-Api-Key"));
        assertFalse(browser.driver().getPageSource().contains("not-for-the-page"));
        assertEquals(List.of(List.of("Current secret", VERIFIES, VERIFIES)), verification(result));
        show(result);
        browser.assertAccessible("playground, test send").screenshot("playground-05-test-send");

        browser.width(390);
        browser.await(d -> ((Number) browser.script("return window.innerWidth")).intValue() <= 400);
        assertEquals(0L, ((Number) browser.script("return Math.max(0, document.documentElement.scrollWidth"
                + " - document.documentElement.clientWidth)")).longValue(), "no sideways scrolling at 390 px");
        browser.assertAccessible("playground at 390 px").screenshot("playground-06-narrow");
    }

    @Test
    void aReaderCannotSend() {
        WebhookResponse hook = webhook(receiver.url("/reader"), Map.of());
        browser.signIn(TestAuth.READER_KEY);
        browser.go("/playground");
        assertTrue(browser.find(By.id("read-only")).getText().contains("webhook-admin"));
        assertFalse(browser.present(By.id("send-inbox")));
        assertFalse(browser.present(By.id("send-webhook")));
        browser.assertAccessible("playground, reader").screenshot("playground-07-reader");

        for (String path : List.of("/playground/inbox", "/playground/send")) {
            Object status = browser.script("return fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-Token':"
                    + " document.querySelector('meta[name=csrf-token]').content, 'Content-Type':"
                    + " 'application/x-www-form-urlencoded'}, body: arguments[1]}).then(r => r.status);",
                    path, "event=product.created&payload=%7B%7D&webhook=" + hook.id());
            assertEquals(403L, ((Number) status).longValue(), path);
        }
        assertTrue(receiver.requests("/reader").isEmpty());
    }

    @Test
    void theInboxKeepsAtMostFiftyRequestsPerPrincipalAndNoBodyOver64KiB() {
        String principal = "bounds-" + java.util.UUID.randomUUID();
        for (int i = 0; i < PlaygroundInbox.MAX_PER_PRINCIPAL + 5; i++) {
            inbox.store(principal, null, null, "product.created", "(playground inbox)", Map.of("n", "" + i), "{\"n\":" + i + "}");
        }
        List<PlaygroundInbox.Entry> kept = inbox.list(principal);
        assertEquals(PlaygroundInbox.MAX_PER_PRINCIPAL, kept.size());
        assertEquals("{\"n\":" + (PlaygroundInbox.MAX_PER_PRINCIPAL + 4) + "}", kept.get(0).body());
        assertEquals("{\"n\":5}", kept.get(kept.size() - 1).body());
        assertTrue(kept.get(0).expiresAt().isBefore(kept.get(0).receivedAt().plus(java.time.Duration.ofMinutes(61))));
        String tooBig = "{\"x\":\"" + "a".repeat(PlaygroundInbox.MAX_BODY_BYTES) + "\"}";
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> inbox.store(principal, null, null, "product.created", null, Map.of(), tooBig));
        assertTrue(inbox.list("someone-else-" + principal).isEmpty());
    }

    private WebhookResponse webhook(String url, Map<String, String> headers) {
        return webhooks.create(new CreateWebhookRequest(url, List.of("product.created"), null, "playground test",
                false, headers, 0, 5, true, null, null, null));
    }

    /** Scrolls so the screenshot shows {@code element}. */
    private void show(WebElement element) {
        browser.script("arguments[0].scrollIntoView({block: 'center'});", element);
    }

    private void select(String id, String value) {
        new Select(browser.find(By.id(id))).selectByValue(value);
    }

    private String payload() {
        return browser.find(By.id("payload")).getAttribute("value");
    }

    private List<WebElement> entries() {
        return browser.all(By.cssSelector(".inbox-entry"));
    }

    private static Map<String, String> headers(WebElement request) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (WebElement row : request.findElements(By.cssSelector("table.request-headers tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            headers.put(cells.get(0).getText(), cells.get(1).getText());
        }
        return headers;
    }

    /** Each secret's row: its name, then the seed header's and the Standard Webhooks header's verdict. */
    private static List<List<String>> verification(WebElement request) {
        return request.findElements(By.cssSelector("table.verification tbody tr")).stream()
                .map(row -> List.of(row.findElement(By.tagName("th")).getText(),
                        row.findElements(By.tagName("td")).get(0).findElement(By.cssSelector(".badge")).getText(),
                        row.findElements(By.tagName("td")).get(1).findElement(By.cssSelector(".badge")).getText()))
                .toList();
    }
}
