package com.cataloghooks.console;

import com.cataloghooks.product.ProductService;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.WebhookApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's sign-in and products pages in a real Chromium: a person signs in, creates, finds, edits, deletes. */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleProductsTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    ProductService products;

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
    void aPersonSignsInCreatesAProductFindsItAndEditsIt() {
        browser.go("/");
        assertTrue(browser.path().startsWith("/login"), browser.path());
        browser.assertAccessible("sign-in").screenshot("01-sign-in");

        browser.type(By.id("credential"), "chk_wrong_key").click(By.cssSelector("form button[type=submit]"));
        browser.awaitText(By.id("sign-in-error"), "not valid");
        assertEquals("", browser.script("return window.localStorage.length + window.sessionStorage.length === 0 ? '' : 'stored'"));

        browser.signIn(TestAuth.DEV_KEY);
        assertEquals("/", browser.path());
        browser.assertAccessible("overview").screenshot("02-overview");

        browser.click(By.linkText("Products"));
        browser.find(By.cssSelector("h1"));
        browser.click(By.id("new-product"));
        browser.click(By.id("save-product"));
        assertEquals("must not be blank", browser.find(By.id("sku-error")).getText());
        assertEquals("must not be blank", browser.find(By.id("name-error")).getText());
        assertEquals("true", browser.find(By.id("sku")).getAttribute("aria-invalid"));
        browser.assertAccessible("product form with errors").screenshot("03-product-form-errors");

        String sku = WebhookApi.uniqueSku();
        browser.type(By.id("sku"), sku).type(By.id("name"), "Console kettle").type(By.id("description"), "Boils water");
        browser.click(By.id("save-product"));
        browser.awaitText(By.id("saved"), "Product created");
        assertEquals("Product " + sku, browser.find(By.tagName("h1")).getText());

        // the same SKU again is refused by the service, next to the field
        browser.go("/products/new").type(By.id("sku"), sku.toLowerCase()).type(By.id("name"), "Twin");
        browser.click(By.id("save-product"));
        assertTrue(browser.find(By.id("sku-error")).getText().contains("already exists"));

        browser.go("/products").type(By.id("q"), sku).clickAndLoad(By.cssSelector("form[role=search] button[type=submit]"));
        List<WebElement> rows = browser.all(By.cssSelector("#products tbody tr"));
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).getText().contains("Console kettle"));
        browser.assertAccessible("products").screenshot("04-products");
        browser.width(390).assertAccessible("products at phone width").screenshot("04-products-phone");
        assertTrue((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                "no page-wide horizontal scrolling at 390 px (the table scrolls in its own box)");
        browser.width(1280);

        rows.get(0).findElement(By.linkText(sku)).click();
        browser.type(By.id("name"), "Console kettle, 2 l").click(By.id("save-product"));
        browser.awaitText(By.id("saved"), "Product updated");
        assertEquals("Console kettle, 2 l", browser.find(By.id("name")).getAttribute("value"));

        browser.click(By.id("delete-product")).acceptConfirm();
        browser.await(d -> browser.path().startsWith("/products?deleted"));
        browser.type(By.id("q"), sku).clickAndLoad(By.cssSelector("form[role=search] button[type=submit]"));
        assertTrue(browser.all(By.cssSelector("#products tbody tr")).isEmpty());
    }

    @Test
    void bulkDeleteSaysHowManyItWillDeleteAndDeletesThem() {
        String tag = "bulk" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            products.create(new CreateProductRequest(WebhookApi.uniqueSku(), tag + " item " + i, null, true), false);
        }
        browser.signIn(TestAuth.DEV_KEY);
        browser.go("/products").type(By.id("q"), tag).clickAndLoad(By.cssSelector("form[role=search] button[type=submit]"));
        assertEquals(3, browser.all(By.cssSelector("#products tbody tr")).size());

        browser.click(By.id("bulk-delete"));
        WebElement confirm = browser.find(By.id("bulk-delete-confirm"));
        assertTrue(confirm.getText().contains("This deletes 3 products"), confirm.getText());
        assertTrue(confirm.getText().contains(tag), confirm.getText());
        browser.assertAccessible("bulk delete confirmation").screenshot("05-bulk-delete-confirm");
        browser.click(By.id("confirm-bulk-delete"));
        browser.awaitText(By.id("bulk-deletion-status"), "completed");
        browser.go("/products?q=" + tag);
        assertTrue(browser.all(By.cssSelector("#products tbody tr")).isEmpty());
    }

    @Test
    void pagesGoOnByKeyUntilTheLastProduct() {
        String tag = "page" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 120; i++) {
            products.create(new CreateProductRequest(WebhookApi.uniqueSku(), tag + " " + i, null, true), false);
        }
        browser.signIn(TestAuth.READER_KEY);
        browser.go("/products?q=" + tag);
        int seen = browser.all(By.cssSelector("#products tbody tr")).size();
        int pages = 1;
        while (browser.present(By.id("next-page"))) {
            browser.clickAndLoad(By.id("next-page"));
            seen += browser.all(By.cssSelector("#products tbody tr")).size();
            pages++;
        }
        assertEquals(120, seen);
        assertEquals(3, pages);
    }

    @Test
    void aReaderSeesNoWriteButtonAndIsRefusedAForgedWrite() {
        browser.signIn(TestAuth.READER_KEY);
        browser.go("/products");
        assertFalse(browser.present(By.id("new-product")));
        assertFalse(browser.present(By.id("bulk-delete")));

        String sku = WebhookApi.uniqueSku();
        products.create(new CreateProductRequest(sku, "Read only", null, true), false);
        browser.go("/products?q=" + sku).click(By.linkText(sku));
        assertFalse(browser.present(By.id("save-product")));
        assertFalse(browser.present(By.id("delete-product")));
        assertEquals("true", browser.find(By.id("name")).getAttribute("readonly"));

        // forged from the page itself, with the page's own CSRF token: the role check refuses it
        Object status = browser.script("return fetch('/products', {method: 'POST', headers: {'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content,"
                + " 'Content-Type': 'application/x-www-form-urlencoded'}, body: 'sku=forged&name=forged'}).then(r => r.status);");
        assertEquals(403L, ((Number) status).longValue());
        browser.go("/products/new");
        assertEquals("403 Forbidden", browser.find(By.tagName("h1")).getText());
        browser.assertAccessible("refusal page").screenshot("06-reader-refused");
        assertTrue(products.list(new com.cataloghooks.product.ProductFilter("forged", null, null, null),
                new com.cataloghooks.common.web.PageRequest(10, 0), null).items().isEmpty());
    }
}
