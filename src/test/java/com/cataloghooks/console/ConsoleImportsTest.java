package com.cataloghooks.console;

import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.product.ProductFilter;
import com.cataloghooks.product.ProductService;
import com.cataloghooks.product.api.ProductResponse;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.RowLock;
import com.cataloghooks.testsupport.TestAuth;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's imports in a real Chromium: a person chooses a CSV in the file input, watches the progress bar
 * move on the task's live events, reads the result and its rejected rows, cancels a second import, and finds both
 * among the past imports. To see the bar between 0 and its end on any machine, without sleeping, the test holds a
 * row lock on a product the import updates in its second batch (1,000 rows a batch in the test profile): the
 * import stops there, mid-way, until the test lets go (as {@code ImportProgressTest} does for the API).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleImportsTest {

    private static final int ROWS = 20_000;
    /** Records every value the progress bar shows, across the fragments the live events swap in. */
    private static final String WATCH_PROGRESS = """
            window.seenProgress = [];
            var record = function () {
              var bar = document.getElementById('import-bar');
              if (bar && bar.hasAttribute('value')) {
                var seen = bar.getAttribute('value') + '/' + bar.getAttribute('max');
                if (window.seenProgress[window.seenProgress.length - 1] !== seen) { window.seenProgress.push(seen); }
              }
            };
            record();
            new MutationObserver(record).observe(document.body,
              {subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max']});
            """;

    @TestHTTPResource("/")
    URL base;

    @Inject
    ProductService products;

    @Inject
    AgroalDataSource dataSource;

    @TempDir
    Path files;

    private Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = Browser.open(base);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aPersonImportsACsvWatchesItMoveReadsTheRejectedRowsCancelsAnotherAndListsBoth() throws Exception {
        String p = "CIM-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        browser.signIn(TestAuth.DEV_KEY);
        browser.click(By.linkText("Imports"));
        browser.find(By.id("upload-form"));
        browser.assertAccessible("imports").screenshot("imports-01-page");

        // too large: the page says so next to the input, before sending anything
        Path big = files.resolve("too-big.csv");
        writeLargerThan(big, 8 * 1024 * 1024);
        browser.find(By.id("file")).sendKeys(big.toString());
        browser.click(By.id("start-import"));
        browser.awaitText(By.id("file-error"), "larger than the limit of 8.0 MB");
        assertEquals("true", browser.find(By.id("file")).getAttribute("aria-invalid"));
        browser.assertAccessible("upload too large").screenshot("imports-02-too-large");

        // not a CSV: the service refuses it, and the refusal is shown next to the input
        Path picture = files.resolve("photo.png");
        Files.write(picture, new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        browser.find(By.id("file")).sendKeys(picture.toString());
        browser.click(By.id("start-import"));
        browser.awaitText(By.id("file-error"), "must be a CSV file (text/csv), not image/png");
        assertTrue(browser.find(By.id("upload-errors")).getText().contains("not image/png"));
        browser.assertAccessible("upload not a CSV").screenshot("imports-03-not-csv");

        // 20,000 rows, 11 of them invalid, one updating a product the test holds locked
        String blocker = p + "blocker";
        products.create(new CreateProductRequest(blocker, "locked by the test", null, true), false);
        Path csv = files.resolve(p + "products.csv");
        int invalid = writeCsv(csv, p, ROWS, 1500, blocker);
        String taskPath;
        try (Connection lock = RowLock.hold(dataSource.getConnection(), blocker)) {
            browser.find(By.id("file")).sendKeys(csv.toString());
            browser.awaitText(By.id("file-chosen"), csv.getFileName().toString());
            browser.click(By.id("start-import"));
            browser.await(d -> browser.path().matches("/imports/[0-9a-f-]{36}"));
            taskPath = browser.path();
            browser.script(WATCH_PROGRESS);
            // the bar moves (each batch is written in two parts, each counted when it commits) and cannot pass
            // the second batch, which waits for the locked product
            long intermediate = browser.await(d -> intermediateValue(seen()));
            assertTrue(intermediate > 0 && intermediate < 2000, "value " + intermediate);
            browser.awaitText(By.id("import-rate"), "rows/s");
            // read in one go: the live events replace these elements every second
            assertTrue(text("import-eta").startsWith("about "), text("import-eta"));
            assertEquals("running", text("import-status"));
            assertTrue(browser.present(By.id("cancel-import")));
            browser.assertAccessible("import in progress").screenshot("imports-04-progress");
            lock.rollback();
        }
        longWait().until(d -> !browser.all(By.id("import-result")).isEmpty());
        assertEquals("completed", browser.find(By.id("import-status")).getText());
        assertEquals(String.format("%,d", ROWS - invalid - 1), browser.find(By.id("import-created")).getText());
        assertEquals("1", browser.find(By.id("import-updated")).getText());
        assertEquals(String.valueOf(invalid), browser.find(By.id("import-errors")).getText());
        assertFalse(browser.present(By.id("cancel-import")));
        List<String> rejected = browser.all(By.cssSelector("#rejected-rows tbody tr")).stream()
                .map(WebElement::getText).toList();
        assertEquals(invalid, rejected.size());
        assertTrue(rejected.contains("9 name is required"), rejected.toString());
        assertTrue(rejected.contains("502 active must be true, false, 1, 0, yes or no"), rejected.toString());
        List<String> seen = seen();
        assertEquals(ROWS + "/" + ROWS, seen.get(seen.size() - 1), seen.toString());
        assertTrue(seen.size() >= 3, "the bar went from an intermediate value to the end: " + seen);
        long previous = -1;
        for (String value : seen) {
            long now = Long.parseLong(value.split("/")[0]);
            assertTrue(now >= previous, "the bar never goes back: " + seen);
            previous = now;
        }
        browser.assertAccessible("import result").screenshot("imports-05-result");

        // a second import, cancelled from its page while it waits mid-way
        String blocker2 = p + "blocker2";
        products.create(new CreateProductRequest(blocker2, "locked by the test", null, true), false);
        Path second = files.resolve(p + "cancelled.csv");
        writeCsv(second, p + "c", 3000, 1500, blocker2);
        try (Connection lock = RowLock.hold(dataSource.getConnection(), blocker2)) {
            browser.go("/imports");
            browser.find(By.id("file")).sendKeys(second.toString());
            browser.click(By.id("start-import"));
            browser.await(d -> browser.path().matches("/imports/[0-9a-f-]{36}") && !browser.path().equals(taskPath));
            browser.script(WATCH_PROGRESS);
            browser.await(d -> intermediateValue(seen()));
            browser.await(d -> {
                try {
                    d.findElement(By.id("cancel-import")).click();
                    return true;
                } catch (StaleElementReferenceException swappedMeanwhile) {
                    return false;
                }
            });
            browser.acceptConfirm();
            browser.awaitText(By.id("import-cancelling"), "cancel requested");
            assertFalse(browser.present(By.id("cancel-import")));
            browser.assertAccessible("import cancelling").screenshot("imports-06-cancelling");
            lock.rollback();
        }
        longWait().until(d -> !browser.all(By.id("import-result")).isEmpty());
        assertEquals("cancelled", browser.find(By.id("import-status")).getText());
        assertTrue(browser.find(By.id("import-error")).getText().contains("cancelled on request"));
        browser.assertAccessible("import cancelled").screenshot("imports-07-cancelled");

        browser.clickAndLoad(By.linkText("← Imports"));
        List<String> listed = browser.all(By.cssSelector("#imports tbody tr")).stream().map(WebElement::getText).toList();
        assertTrue(listed.stream().anyMatch(row -> row.startsWith("completed " + p + "products.csv 20,000 / 20,000 "
                + String.format("%,d", ROWS - invalid - 1) + " 1 " + invalid)), listed.toString());
        assertTrue(listed.stream().anyMatch(row -> row.startsWith("cancelled " + p + "cancelled.csv")), listed.toString());
        browser.assertAccessible("imports list").screenshot("imports-08-list");

        browser.width(390);
        browser.go("/imports");
        browser.find(By.id("upload-form"));
        assertEquals(Boolean.TRUE, browser.script("return document.documentElement.scrollWidth <= window.innerWidth"));
        browser.assertAccessible("imports at 390 px").screenshot("imports-09-narrow");
        browser.go(taskPath);
        browser.find(By.id("import-result"));
        assertEquals(Boolean.TRUE, browser.script("return document.documentElement.scrollWidth <= window.innerWidth"));
        browser.assertAccessible("import result at 390 px").screenshot("imports-10-result-narrow");
    }

    @Test
    void aFileDroppedOnTheDropZoneIsTheOneImportedAndTheServiceRefusesAnOversizedUploadToo() {
        String sku = "DROP-" + UUID.randomUUID().toString().substring(0, 8);
        browser.signIn(TestAuth.DEV_KEY);
        browser.go("/imports");
        WebElement zone = browser.find(By.id("drop-zone"));
        // what the browser does when a person drags a file from their desktop onto the zone and lets go
        browser.script("var zone = arguments[0]; var data = new DataTransfer();"
                + " data.items.add(new File(['sku,name\\n' + arguments[1] + ',Dropped kettle\\n'], 'dropped.csv', {type: 'text/csv'}));"
                + " zone.dispatchEvent(new DragEvent('dragenter', {bubbles: true, cancelable: true, dataTransfer: data}));"
                + " window.zoneWasMarked = zone.classList.contains('dragging');"
                + " zone.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));",
                zone, sku);
        assertEquals(Boolean.TRUE, browser.script("return window.zoneWasMarked"));
        browser.awaitText(By.id("file-chosen"), "dropped.csv");
        browser.click(By.id("start-import"));
        longWait().until(d -> !browser.all(By.id("import-result")).isEmpty());
        assertEquals("completed", browser.find(By.id("import-status")).getText());
        assertEquals("1", browser.find(By.id("import-created")).getText());
        assertEquals(List.of("Dropped kettle"), products.list(new ProductFilter(sku, null, null, null),
                new PageRequest(10, 0), null).items().stream().map(ProductResponse::name).toList());

        // past the page's own check: the service refuses an upload over the limit before reading it
        browser.go("/imports");
        Object status = browser.script("var data = new FormData(); data.append('file', new Blob([new Uint8Array(9 * 1024 * 1024)],"
                + " {type: 'text/csv'}), 'big.csv'); return fetch('/imports', {method: 'POST', headers: {'X-CSRF-Token':"
                + " document.querySelector('meta[name=csrf-token]').content}, body: data}).then(r => r.status + ' ' + r.headers.get('content-type'));");
        assertEquals("413 text/plain;charset=UTF-8", status);
    }

    @Test
    void aReaderSeesThePastImportsButNoUploadAndIsRefusedAForgedOne() {
        browser.signIn(TestAuth.READER_KEY);
        browser.go("/imports");
        browser.find(By.id("imports"));
        assertFalse(browser.present(By.id("upload-form")));
        Object status = browser.script("var data = new FormData(); data.append('file', new Blob(['sku,name\\nx,y\\n'],"
                + " {type: 'text/csv'}), 'forged.csv');"
                + " return fetch('/imports', {method: 'POST', headers: {'X-CSRF-Token':"
                + " document.querySelector('meta[name=csrf-token]').content}, body: data}).then(r => r.status);");
        assertEquals(403L, ((Number) status).longValue());
    }

    private String text(String id) {
        return (String) browser.script("return document.getElementById(arguments[0]).textContent.trim();", id);
    }

    @SuppressWarnings("unchecked")
    private List<String> seen() {
        return new ArrayList<>((List<String>) browser.script("return window.seenProgress || [];"));
    }

    /** A value strictly between 0 and the maximum among those seen, or null. */
    private static Long intermediateValue(List<String> seen) {
        for (String value : seen) {
            String[] parts = value.split("/");
            long now = Long.parseLong(parts[0]);
            long max = Long.parseLong(parts[1]);
            if (now > 0 && now < max) {
                return now;
            }
        }
        return null;
    }

    private WebDriverWait longWait() {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(180));
    }

    /**
     * {@code count} rows; the blocker's SKU at index {@code blockerAt}; rows 7, 2007, 4007 … without a name and
     * row 500 with an unreadable active flag (spreadsheet rows 9, 2009 … and 502). Returns how many are invalid.
     */
    private static int writeCsv(Path file, String prefix, int count, int blockerAt, String blocker) throws IOException {
        StringBuilder csv = new StringBuilder("sku,name,description,active\n");
        int invalid = 0;
        for (int i = 0; i < count; i++) {
            if (i == blockerAt) {
                csv.append(blocker).append(",updated by the import,,true\n");
            } else if (i % 2000 == 7) {
                csv.append(prefix).append(i).append(",,no name,true\n");
                invalid++;
            } else if (i == 500) {
                csv.append(prefix).append(i).append(",Product ").append(i).append(",,maybe\n");
                invalid++;
            } else {
                csv.append(prefix).append(i).append(",Product ").append(i).append(",Imported from the console,yes\n");
            }
        }
        Files.writeString(file, csv);
        return invalid;
    }

    private static void writeLargerThan(Path file, long bytes) throws IOException {
        StringBuilder row = new StringBuilder("sku,name,description\n");
        String line = "SKU,Name," + "x".repeat(1000) + "\n";
        try (var out = Files.newBufferedWriter(file)) {
            out.write(row.toString());
            for (long written = 0; written <= bytes; written += line.length()) {
                out.write(line);
            }
        }
    }
}
