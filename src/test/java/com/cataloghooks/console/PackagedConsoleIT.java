package com.cataloghooks.console;

import com.cataloghooks.testsupport.Browser;
import com.cataloghooks.testsupport.ServiceProcess;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in the packaged service (the jar, or the native executable under {@code scripts/native-check}),
 * in Chromium, with the production profile's cookie ({@code __Host-}, {@code Secure}): what a native image gets
 * wrong for the console (a template, a webjar, a static asset left out, a type not registered) shows here.
 */
class PackagedConsoleIT {

    private static ServiceProcess service;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.of(TestInfrastructure.get(), Map.of()).start();
        browser = Browser.open(URI.create(service.baseUrl() + "/").toURL());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aPersonSignsInAndUsesEveryPage() {
        browser.go("/");
        assertTrue(browser.path().startsWith("/login"), browser.path());
        browser.signIn(TestAuth.DEV_KEY);
        assertEquals("/", browser.path());
        assertEquals(Boolean.TRUE, browser.script("return typeof htmx === 'object'"), "htmx, from its webjar, is loaded");
        assertTrue(browser.find(By.id("main")).getText().contains("Deliveries, last 24 hours"));
        Object cookie = browser.driver().manage().getCookieNamed("__Host-catalog_session");
        assertTrue(cookie != null, "the production cookie: Secure, __Host- prefixed");

        String sku = "PKG-" + UUID.randomUUID();
        browser.go("/products/new").type(By.id("sku"), sku).type(By.id("name"), "Packaged kettle");
        browser.click(By.id("save-product"));
        browser.awaitText(By.id("saved"), "Product created");

        for (String page : new String[] {"/imports", "/webhooks", "/deliveries", "/playground"}) {
            browser.go(page);
            assertEquals("200", String.valueOf(browser.script(
                    "return String(performance.getEntriesByType('navigation')[0].responseStatus)")), page);
            assertTrue(browser.find(By.tagName("h1")).getText().length() > 0, page);
        }
        browser.go("/playground");
        browser.click(By.id("send-inbox"));
        browser.await(d -> !browser.all(By.cssSelector(".inbox-entry")).isEmpty());
        assertTrue(browser.all(By.cssSelector(".inbox-entry")).get(0).getText().contains("verifies"));
        browser.screenshot("packaged-01-playground");

        browser.signOut();
        browser.go("/products");
        assertTrue(browser.path().startsWith("/login"), browser.path());
    }
}
