package com.cataloghooks.console;

import com.cataloghooks.delivery.history.DeliverySearch;
import com.cataloghooks.product.ProductService;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.product.api.ProductResponse;
import com.cataloghooks.product.api.UpdateProductRequest;
import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestReceiver;
import com.cataloghooks.testsupport.WebhookApi;
import com.cataloghooks.webhook.WebhookService;
import com.cataloghooks.webhook.api.CreateWebhookRequest;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's deliveries in a real Chromium, against real receivers: one answers 500 (its webhook retries once),
 * one answers 200. A person filters the deliveries, opens one and reads the request as sent and the receiver's
 * answers, redelivers it once the receiver is fixed, retries every failed one the filter matches, replays a window,
 * and reads the 24-hour charts, whose numbers are the attempts made.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleDeliveriesTest {

    private static final String FAILING = "/failing";
    private static final String FINE = "/fine";

    @TestHTTPResource("/")
    URL base;

    @Inject
    ProductService products;

    @Inject
    WebhookService webhooks;

    @Inject
    DeliverySearch search;

    private Browser browser;
    private TestReceiver failing;
    private TestReceiver fine;
    private UUID failingHook;
    private UUID fineHook;

    @BeforeEach
    void arrange() {
        failing = TestReceiver.start();
        fine = TestReceiver.start();
        failing.respondAlways(FAILING, 500, "{\"error\":\"boom\"}");
        failingHook = webhooks.create(new CreateWebhookRequest(failing.url(FAILING),
                List.of("product.created", "product.updated"), "console-test-secret", null, true,
                Map.of(), 1, 5, null, null, null, null)).id();
        fineHook = webhooks.create(new CreateWebhookRequest(fine.url(FINE), List.of("product.created"), null, null,
                true, Map.of(), 0, 5, null, null, null, null)).id();
        browser = Browser.open(base);
    }

    @AfterEach
    void cleanUp() {
        if (browser != null) {
            browser.close();
        }
        if (failingHook != null) {
            webhooks.delete(failingHook);
        }
        if (fineHook != null) {
            webhooks.delete(fineHook);
        }
        failing.close();
        fine.close();
    }

    @Test
    void aPersonFindsFailedDeliveriesReadsThemAndSendsThemAgain() {
        ProductResponse kettle = products.create(new CreateProductRequest(WebhookApi.uniqueSku(), "Kettle", null, true), true);
        products.update(kettle.id(), new UpdateProductRequest(kettle.sku(), "Kettle, 2 l", null, true), true);
        ProductResponse toaster = products.create(new CreateProductRequest(WebhookApi.uniqueSku(), "Toaster", null, true), true);
        // the failing webhook: 3 deliveries, 2 attempts each, all 500; the fine one: 2 deliveries, succeeded
        awaitStatuses(failingHook, "failed", 3);
        awaitStatuses(fineHook, "succeeded", 2);

        browser.signIn(TestAuth.DEV_KEY);
        browser.click(By.linkText("Deliveries"));
        new Select(browser.find(By.id("f-webhook"))).selectByValue(failingHook.toString());
        new Select(browser.find(By.id("f-status"))).selectByValue("failed");
        browser.clickAndLoad(By.id("apply-filter"));
        assertEquals(3, rows().size());
        assertTrue(rows().stream().allMatch(r -> r.getText().contains("failed")), rowsText());
        assertChart("webhook-chart", 0, 3, 3); // the webhook's own chart, on its page
        browser.assertAccessible("deliveries of one webhook, failed").screenshot("deliveries-01-failed");

        new Select(browser.find(By.id("f-event"))).selectByValue("product.updated");
        browser.clickAndLoad(By.id("apply-filter"));
        assertEquals(1, rows().size(), rowsText());
        assertTrue(rows().get(0).getText().contains("product.updated"), rowsText());

        // every webhook, by product: the toaster's one event went to both
        new Select(browser.find(By.id("f-webhook"))).selectByValue("");
        new Select(browser.find(By.id("f-event"))).selectByValue("");
        new Select(browser.find(By.id("f-status"))).selectByValue("");
        browser.type(By.id("f-product"), toaster.id().toString()).clickAndLoad(By.id("apply-filter"));
        assertEquals(2, rows().size(), rowsText());
        assertTrue(rowsText().contains("succeeded") && rowsText().contains("failed"), rowsText());
        browser.assertAccessible("deliveries by product").screenshot("deliveries-02-by-product");

        // by time: a window in the future holds none of them, the last hour all three of the failing webhook
        setValue("f-since", local(Instant.now().plus(Duration.ofHours(1))));
        browser.type(By.id("f-product"), kettle.id().toString()).clickAndLoad(By.id("apply-filter"));
        assertEquals(0, rows().size(), rowsText());
        new Select(browser.find(By.id("f-webhook"))).selectByValue(failingHook.toString());
        browser.type(By.id("f-product"), " ");
        setValue("f-since", local(Instant.now().minus(Duration.ofHours(1))));
        setValue("f-until", local(Instant.now().plus(Duration.ofMinutes(2))));
        browser.clickAndLoad(By.id("apply-filter"));
        assertEquals(3, rows().size(), rowsText());

        // one delivery: the request as sent, and what the receiver answered each time
        browser.go("/deliveries?webhook=" + failingHook + "&product=" + toaster.id());
        browser.click(By.cssSelector("#deliveries tbody tr a"));
        browser.find(By.id("attempts"));
        List<WebElement> attempts = browser.all(By.cssSelector("#attempts tbody tr"));
        assertEquals(2, attempts.size());
        for (WebElement attempt : attempts) {
            assertEquals("500", attempt.findElement(By.cssSelector(".status-code")).getText());
            assertTrue(attempt.getText().contains("{\"error\":\"boom\"}"), attempt.getText());
        }
        TestReceiver.ReceivedRequest sent = failing.requests(FAILING).stream()
                .filter(r -> r.bodyAsString().contains(toaster.id().toString())).findFirst().orElseThrow();
        assertEquals(sent.bodyAsString(), browser.find(By.id("request-body")).getText());
        // each attempt lists the headers it went out with, as the receiver got them, signatures and timestamp included
        List<TestReceiver.ReceivedRequest> received = failing.requests(FAILING).stream()
                .filter(r -> r.bodyAsString().contains(toaster.id().toString())).toList();
        assertEquals(2, received.size());
        assertTrue(browser.all(By.id("request-headers")).isEmpty(), "no rebuilt headers once attempts recorded theirs");
        for (int i = 0; i < 2; i++) {
            WebElement headers = attempts.get(i).findElement(By.cssSelector("details.sent-headers.recorded"));
            headers.findElement(By.tagName("summary")).click();
            String text = headers.getText();
            TestReceiver.ReceivedRequest got = received.get(i);
            assertTrue(text.contains("webhook-signature\n" + got.header("webhook-signature")), text);
            assertTrue(text.contains("webhook-timestamp\n" + got.header("webhook-timestamp")), text);
            assertTrue(text.contains("X-Webhook-Signature\n" + got.header("X-Webhook-Signature")), text);
            assertTrue(text.contains("webhook-id\n" + sent.header("webhook-id")), text);
            assertTrue(text.contains("User-Agent\n" + got.header("User-Agent")), text);
        }
        browser.assertAccessible("a failed delivery").screenshot("deliveries-03-failed-delivery");

        // the receiver is fixed: redeliver this one from its page
        failing.respondAlways(FAILING, 200, "{\"ok\":true}");
        browser.click(By.id("redeliver"));
        browser.awaitText(By.id("delivery-notice"), "Sent again");
        browser.awaitText(By.id("delivery-status"), "succeeded");
        assertEquals("200", browser.find(By.cssSelector("#attempts tbody tr:last-child .status-code")).getText());
        browser.assertAccessible("a redelivered delivery").screenshot("deliveries-04-redelivered");

        // retry every failed one the filter matches: the confirmation says how many
        browser.go("/deliveries?webhook=" + failingHook + "&status=failed");
        assertEquals(2, rows().size(), rowsText());
        browser.click(By.id("retry-matching"));
        WebElement confirm = browser.find(By.id("retry-confirm"));
        assertTrue(confirm.getText().contains("This retries 2 failed deliveries"), confirm.getText());
        browser.assertAccessible("retry confirmation").screenshot("deliveries-05-retry-confirm");
        browser.click(By.id("confirm-retry"));
        browser.awaitText(By.id("retry-result"), "2 failed deliveries queued again");
        awaitStatuses(failingHook, "succeeded", 3);
        browser.clickAndLoad(By.id("retry-reload"));
        assertEquals(0, rows().size(), rowsText());

        // a replay without a start is refused by the replay service's own check (the API's), shown by its field
        browser.go("/deliveries?webhook=" + failingHook);
        browser.type(By.id("r-since"), "");
        browser.click(By.id("start-replay"));
        browser.awaitText(By.id("r-since-error"), "must not be null");
        assertEquals("true", browser.find(By.id("r-since")).getAttribute("aria-invalid"));
        browser.assertAccessible("replay refused").screenshot("deliveries-06a-replay-refused");

        // replay the last day of the webhook's deliveries, all of them, without missed events (other tests' events)
        browser.go("/deliveries?webhook=" + failingHook);
        new Select(browser.find(By.id("r-status"))).selectByValue("all");
        browser.click(By.cssSelector("#replay-form input[name=missed]"));
        browser.click(By.id("start-replay"));
        browser.find(By.id("replay-progress"));
        browser.awaitText(By.id("replay-status"), "completed");
        assertTrue(browser.find(By.id("replay-progress")).getText().contains("3 deliveries queued again"),
                browser.find(By.id("replay-progress")).getText());
        browser.assertAccessible("replay completed").screenshot("deliveries-06-replay-completed");
        await().atMost(Duration.ofSeconds(60)).until(() -> failing.requests(FAILING).size() == 6 + 1 + 2 + 3);
        awaitStatuses(failingHook, "succeeded", 3);

        // the webhook's chart: 6 failed attempts (3 retried, 3 for good), then 1 + 2 + 3 successes
        browser.go("/deliveries?webhook=" + failingHook);
        assertChart("webhook-chart", 6, 3, 3);
        browser.assertAccessible("the webhook's chart").screenshot("deliveries-07-webhook-chart");

        // the overview: every webhook's attempts, at least these
        browser.click(By.linkText("Overview"));
        long[] overall = chartNumbers("overall-chart");
        assertTrue(overall[0] >= 6 + 2 && overall[1] >= 3 && overall[2] >= 3, java.util.Arrays.toString(overall));
        browser.assertAccessible("overview with chart").screenshot("deliveries-08-overview-chart");

        browser.width(390);
        browser.go("/deliveries?webhook=" + failingHook);
        assertTrue(((Number) browser.script("return document.documentElement.scrollWidth")).intValue() <= 390,
                "the page scrolls sideways at 390 px");
        browser.assertAccessible("deliveries at 390 px").screenshot("deliveries-09-narrow");
    }

    @Test
    void aReaderSeesTheOverviewChartButNoPayloadAndCannotSendAgain() {
        browser.signIn(TestAuth.READER_KEY);
        assertEquals("/", browser.path());
        assertTrue(browser.present(By.id("overall-chart-svg")), "the overview chart is a reader's (counts, no payload)");
        chartNumbers("overall-chart");
        browser.go("/deliveries");
        assertTrue(browser.driver().getPageSource().contains("403"), browser.driver().getPageSource());
        // forged from a page, with the page's own CSRF token: the role check refuses it, as the API's does
        browser.go("/");
        Object status = browser.script("return fetch('/deliveries/retry-matching', {method: 'POST', headers: {'X-CSRF-Token':"
                + " document.querySelector('meta[name=csrf-token]').content, 'Content-Type': 'application/x-www-form-urlencoded'},"
                + " body: 'status=failed'}).then(r => r.status);");
        assertEquals(403L, ((Number) status).longValue());
    }

    /** The chart's summary says these numbers, its table and its bars add up to them. */
    private void assertChart(String id, long succeeded, long retrying, long failed) {
        long[] numbers = chartNumbers(id);
        assertEquals(succeeded, numbers[0], "succeeded");
        assertEquals(retrying, numbers[1], "retrying");
        assertEquals(failed, numbers[2], "failed");
    }

    /** Succeeded, retrying, failed: from the summary, checked against the data table and the bars. */
    private long[] chartNumbers(String id) {
        long[] summary = {number(id + "-succeeded"), number(id + "-retrying"), number(id + "-failed")};
        long[] table = new long[3];
        for (WebElement row : browser.all(By.cssSelector("#" + id + "-data tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (cells.size() < 4) {
                continue;
            }
            for (int i = 0; i < 3; i++) {
                table[i] += Long.parseLong(cells.get(i + 1).getAttribute("textContent").strip());
            }
        }
        String[] kinds = {"succeeded", "retrying", "failed"};
        long[] bars = new long[3];
        for (int i = 0; i < 3; i++) {
            for (WebElement bar : browser.all(By.cssSelector("#" + id + "-svg rect.bar." + kinds[i]))) {
                bars[i] += Long.parseLong(bar.getAttribute("data-count"));
            }
        }
        assertEquals(java.util.Arrays.toString(summary), java.util.Arrays.toString(table), "table vs summary");
        assertEquals(java.util.Arrays.toString(summary), java.util.Arrays.toString(bars), "bars vs summary");
        String description = browser.find(By.id(id + "-svg")).findElement(By.tagName("desc")).getAttribute("textContent");
        assertTrue(description.contains(summary[0] + " succeeded") && description.contains(summary[2] + " failed"), description);
        return summary;
    }

    private long number(String elementId) {
        return Long.parseLong(browser.find(By.id(elementId)).getText().strip());
    }

    private List<WebElement> rows() {
        return browser.all(By.cssSelector("#deliveries tbody tr"));
    }

    private String rowsText() {
        return String.join("\n", rows().stream().map(WebElement::getText).toList());
    }

    /** A datetime-local field set as its picker would (typing into one depends on the browser's locale). */
    private void setValue(String id, String value) {
        browser.script("arguments[0].value = arguments[1]", browser.find(By.id(id)), value);
    }

    private static String local(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MINUTES), ZoneOffset.UTC).toString();
    }

    private void awaitStatuses(UUID webhook, String status, int count) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> search.page(
                new DeliverySearch.Filter(webhook, status, null, null, null, null), 100, null).items().size() == count);
    }
}
