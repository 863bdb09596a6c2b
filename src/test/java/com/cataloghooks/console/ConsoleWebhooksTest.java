package com.cataloghooks.console;

import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.product.ProductService;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.WebhookApi;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
import com.cataloghooks.webhook.api.WebhookResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's webhooks pages in a real Chromium: a webhook admin creates a webhook (with a payload filter checked
 * as it is typed), edits, deactivates and reactivates it, sees its receiver's health after a delivery, rotates its
 * secret and deletes it; a reader sees the list and its health but cannot change anything.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleWebhooksTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URL base;

    @Inject
    ProductService products;

    @Inject
    WebhookService webhooks;

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
    void aWebhookAdminCreatesEditsPausesRotatesAndDeletesAWebhook() {
        String path = "/console-" + UUID.randomUUID().toString().substring(0, 8);
        String url = receiver.url(path);
        browser.signIn(TestAuth.WEBHOOK_ADMIN_KEY);
        browser.go("/webhooks");
        browser.find(By.id("webhooks"));
        browser.assertAccessible("webhooks list").screenshot("webhooks-01-list");

        // refusals are shown next to their fields, in the API's words: first an empty form, then a bad URL
        browser.click(By.id("new-webhook"));
        browser.click(By.id("save-webhook"));
        assertEquals("must not be null", browser.find(By.id("url-error")).getText());
        assertEquals("must not be empty", browser.find(By.id("events-error")).getText());
        browser.click(By.cssSelector("input[name=events][value='product.created']"));
        browser.type(By.id("url"), "ftp://receiver.example.com/hooks");
        browser.click(By.id("save-webhook"));
        browser.awaitText(By.id("url-error"), "must start with http:// or https://");
        assertEquals("true", browser.find(By.id("url")).getAttribute("aria-invalid"));
        assertFalse(browser.present(By.id("events-error")));
        assertTrue(browser.find(By.cssSelector("input[name=events][value='product.created']")).isSelected());
        browser.assertAccessible("webhook form with errors").screenshot("webhooks-02-form-errors");

        browser.type(By.id("url"), url);
        browser.click(By.cssSelector("input[name=events][value='product.updated']"));
        browser.type(By.id("headers"), "X-Console-Test: hello from the console");
        // the filter is checked as it is typed, by the parser that checks it on save
        WebElement filter = browser.find(By.id("filter"));
        filter.clear();
        for (char c : "{\"active\"".toCharArray()) {
            filter.sendKeys(String.valueOf(c));
        }
        WebElement problem = browser.find(By.id("filter-problem"));
        assertTrue(problem.getText().contains("not valid JSON"), problem.getText());
        browser.assertAccessible("filter being typed").screenshot("webhooks-03-filter-invalid");
        for (char c : ": true}".toCharArray()) {
            filter.sendKeys(String.valueOf(c));
        }
        assertEquals("valid", browser.find(By.id("filter-ok")).getText());
        assertFalse(browser.present(By.id("filter-problem")));
        browser.click(By.id("ordered"));
        browser.type(By.id("rate-limit"), "5");
        browser.click(By.id("save-webhook"));

        browser.awaitText(By.id("created"), "Webhook created");
        String firstSecret = browser.find(By.id("new-secret")).getAttribute("value");
        assertTrue(firstSecret.startsWith("whsec_"), firstSecret);
        assertEquals("new-secret", browser.find(By.id("copy-secret")).getAttribute("data-copy"));
        browser.assertAccessible("webhook created").screenshot("webhooks-04-created");

        browser.click(By.id("open-webhook"));
        browser.find(By.id("health-title"));
        String id = browser.path().substring("/webhooks/".length());
        WebhookResponse stored = webhooks.get(UUID.fromString(id));
        assertEquals(url, stored.url());
        assertEquals(List.of("product.created", "product.updated"), stored.events());
        assertEquals(Map.of("active", true), stored.filter());
        assertTrue(stored.ordered());
        assertEquals(5, stored.rateLimitPerSecond());
        assertEquals(List.of("X-Console-Test"), List.copyOf(stored.headers().keySet()));
        assertEquals("no deliveries in 24 h", browser.find(By.id("success-rate")).getText());
        assertFalse(browser.driver().getPageSource().contains(firstSecret));
        browser.assertAccessible("webhook page").screenshot("webhooks-05-webhook");

        // edit: the settings are shown as stored, and saved again with a change
        assertEquals("5", browser.find(By.id("rate-limit")).getAttribute("value"));
        assertTrue(browser.find(By.id("ordered")).isSelected());
        assertTrue(browser.find(By.id("filter")).getAttribute("value").contains("\"active\":true"));
        browser.type(By.id("description"), "Edited in the console");
        browser.type(By.id("rate-limit"), "7");
        browser.click(By.id("save-webhook"));
        browser.awaitText(By.id("saved"), "Webhook updated");
        assertEquals("Edited in the console", webhooks.get(UUID.fromString(id)).description());
        assertEquals(7, webhooks.get(UUID.fromString(id)).rateLimitPerSecond());
        assertEquals(List.of("X-Console-Test"), List.copyOf(webhooks.get(UUID.fromString(id)).headers().keySet()));

        // deactivate and reactivate from the list
        browser.go("/webhooks");
        By row = By.id("webhook-" + id);
        assertEquals("active", browser.find(row).findElement(By.cssSelector(".state .badge")).getText());
        browser.find(row).findElement(By.cssSelector("button.toggle-active")).click();
        browser.await(d -> "inactive".equals(text("#webhook-" + id + " .state .badge")));
        assertFalse(webhooks.get(UUID.fromString(id)).isActive());
        browser.assertAccessible("webhook deactivated").screenshot("webhooks-06-deactivated");
        browser.find(row).findElement(By.cssSelector("button.toggle-active")).click();
        browser.await(d -> "active".equals(text("#webhook-" + id + " .state .badge")));
        assertTrue(webhooks.get(UUID.fromString(id)).isActive());

        // a delivery happens: the list shows its success rate and p95
        products.create(new CreateProductRequest(WebhookApi.uniqueSku(), "Console hook product", null, true), true);
        await().atMost(PATIENCE).until(() -> !receiver.requests(path).isEmpty());
        assertEquals(List.of("hello from the console"), receiver.requests(path).get(0).headers().get("X-Console-Test"));
        browser.await(d -> {
            d.navigate().refresh();
            String rate = text("#webhook-" + id + " .success-rate");
            return rate != null && rate.startsWith("100%");
        });
        assertTrue(browser.find(row).findElement(By.cssSelector(".p95")).getText().matches("\\d+ ms"),
                browser.find(row).findElement(By.cssSelector(".p95")).getText());
        browser.assertAccessible("webhooks with health").screenshot("webhooks-07-health");

        browser.width(390);
        browser.go("/webhooks");
        browser.find(row);
        assertTrue(((Number) browser.script("return document.documentElement.scrollWidth")).intValue() <= 390,
                "the page scrolls sideways at 390 px");
        browser.assertAccessible("webhooks at 390 px").screenshot("webhooks-08-narrow");
        browser.go("/webhooks/" + id);
        browser.find(By.id("health-title"));
        assertTrue(((Number) browser.script("return document.documentElement.scrollWidth")).intValue() <= 390,
                "the webhook page scrolls sideways at 390 px");
        browser.assertAccessible("webhook page at 390 px").screenshot("webhooks-09-webhook-narrow");
        browser.width(1280);

        // rotate: the new secret is shown once, with the grace period the service reports
        browser.go("/webhooks/" + id);
        browser.click(By.id("rotate-secret")).acceptConfirm();
        String rotated = browser.find(By.id("new-secret")).getAttribute("value");
        assertTrue(rotated.startsWith("whsec_"), rotated);
        assertNotEquals(firstSecret, rotated);
        String grace = browser.find(By.id("grace-period")).getText();
        assertTrue(grace.contains("until") && grace.contains("24 hours"), grace);
        assertTrue(webhooks.get(UUID.fromString(id)).previousSecretExpiresAt() != null);
        browser.assertAccessible("secret rotated").screenshot("webhooks-10-rotated");
        browser.driver().navigate().refresh();
        browser.find(By.id("health-title"));
        assertFalse(browser.present(By.id("new-secret")));
        assertFalse(browser.driver().getPageSource().contains(rotated));

        // delete, after confirming
        browser.click(By.id("delete-webhook")).acceptConfirm();
        browser.await(d -> browser.path().startsWith("/webhooks?deleted"));
        browser.awaitText(By.id("notice"), "Webhook deleted");
        assertFalse(browser.present(row));
        assertTrue(webhooks.list(null, new PageRequest(100, 0)).items().stream().noneMatch(w -> w.id().toString().equals(id)));
    }

    /** The text of the element {@code css} selects in the page as it is now; null when there is none. */
    private String text(String css) {
        return (String) browser.script("var e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", css);
    }

    @Test
    void aReaderSeesTheListAndHealthButNoWriteButtonAndIsRefusedAForgedWrite() {
        WebhookResponse webhook = webhooks.create(new CreateWebhookRequest(receiver.url("/reader"),
                List.of("product.created"), null, "for a reader", true, null, null, null, false, null, null, null));
        try {
            browser.signIn(TestAuth.READER_KEY);
            browser.go("/webhooks");
            WebElement row = browser.find(By.id("webhook-" + webhook.id()));
            assertEquals("no deliveries in 24 h", row.findElement(By.cssSelector(".success-rate")).getText());
            assertFalse(browser.present(By.id("new-webhook")));
            assertFalse(browser.present(By.cssSelector("button.toggle-active")));
            browser.assertAccessible("webhooks list, reader").screenshot("webhooks-11-reader-list");

            row.findElement(By.cssSelector("td.receiver a")).click();
            browser.find(By.id("health-title"));
            for (String button : List.of("toggle-active", "delete-webhook", "rotate-secret", "save-webhook")) {
                assertFalse(browser.present(By.id(button)), button);
            }
            assertEquals("true", browser.find(By.id("url")).getAttribute("readonly"));
            browser.assertAccessible("webhook page, reader").screenshot("webhooks-12-reader-webhook");

            for (String forged : List.of("/webhooks/" + webhook.id() + "/delete", "/webhooks/" + webhook.id() + "/rotate")) {
                Object status = browser.script("return fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-Token':"
                        + " document.querySelector('meta[name=csrf-token]').content, 'Content-Type':"
                        + " 'application/x-www-form-urlencoded'}, body: ''}).then(r => r.status);", forged);
                assertEquals(403L, ((Number) status).longValue(), forged);
            }
            assertTrue(webhooks.get(webhook.id()).isActive());
            assertNotEquals(null, webhooks.get(webhook.id()));
            browser.go("/webhooks/new");
            assertEquals("403 Forbidden", browser.find(By.tagName("h1")).getText());
        } finally {
            webhooks.delete(webhook.id());
        }
    }
}
