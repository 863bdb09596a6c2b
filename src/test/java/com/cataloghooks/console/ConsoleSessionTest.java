package com.cataloghooks.console;

import com.cataloghooks.testsupport.InfraTestResource;
import com.cataloghooks.testsupport.TestAuth;
import com.cataloghooks.testsupport.WebhookApi;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import org.junit.jupiter.api.Test;

import java.security.PrivateKey;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's session and CSRF rules at the HTTP level, where a browser cannot be made to misbehave: the cookie's
 * attributes, the checks on every write, sign-out ending a copied cookie, and the API ignoring the cookie.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ConsoleSessionTest {

    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final String COOKIE = "catalog_session";

    @Test
    void signingInSetsAnEncryptedHttpOnlyStrictCookieThatHoldsNoCredential() {
        Response signIn = signIn(TestAuth.DEV_KEY);
        signIn.then().statusCode(303).header("Location", Matchers.endsWith("/products"));
        String setCookie = signIn.getHeader("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        Matcher maxAge = Pattern.compile("Max-Age=(\\d+)").matcher(setCookie);
        assertTrue(maxAge.find(), setCookie);
        long seconds = Long.parseLong(maxAge.group(1));
        assertTrue(seconds > 28_700 && seconds <= 28_800, "catalog.console.session-timeout, 8 h: " + seconds);
        String value = signIn.getCookie(COOKIE);
        assertTrue(value.startsWith("gcm1:"), "sealed with the service's encryption key: " + value);
        assertFalse(value.contains(TestAuth.DEV_KEY));

        given().noFilters().redirects().follow(false).cookie(COOKIE, value).get("/products")
                .then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .body(containsString("<h1>Products</h1>"));
    }

    @Test
    void aWrongCredentialIsRefusedOnThePageAndSetsNoCookie() {
        Response refused = signIn("chk_not_a_key");
        refused.then().statusCode(401).body(containsString("not valid"));
        assertEquals(null, refused.getCookie(COOKIE));
    }

    @Test
    void withoutASessionEveryPageSendsThePersonToSignIn() {
        given().noFilters().redirects().follow(false).get("/webhooks?x=1")
                .then().statusCode(303).header("Location", Matchers.endsWith("/login?next=%2Fwebhooks%3Fx%3D1"));
        given().noFilters().redirects().follow(false).header("HX-Request", "true").get("/products")
                .then().statusCode(401).header("HX-Redirect", "/login?next=%2Fproducts");
        given().noFilters().redirects().follow(false).cookie(COOKIE, "gcm1:test:AAAAtampered").get("/")
                .then().statusCode(303).header("Location", Matchers.endsWith("/login"));
    }

    @Test
    void everyWriteNeedsTheSessionsTokenAndTheConsolesOwnOrigin() {
        String cookie = signIn(TestAuth.DEV_KEY).getCookie(COOKIE);
        String token = csrfToken(cookie);
        String sku = WebhookApi.uniqueSku();

        createProduct(cookie, null, null, sku).then().statusCode(403).body(containsString("reload"));
        createProduct(cookie, "not-the-token", null, sku).then().statusCode(403);
        createProduct(cookie, token, "https://evil.example", sku).then().statusCode(403).body(containsString("console's own pages"));
        given().noFilters().redirects().follow(false).cookie(COOKIE, cookie).header(ConsoleGuard.CSRF_HEADER, token)
                .header("Sec-Fetch-Site", "cross-site").formParam("sku", sku).formParam("name", "n")
                .post("/products").then().statusCode(403);
        given().get("/api/v1/products?sku=" + sku).then().statusCode(200).body("items.size()", equalTo(0));

        createProduct(cookie, token, null, sku).then().statusCode(200).header("HX-Redirect", containsString("/products/"));
        given().get("/api/v1/products?sku=" + sku).then().statusCode(200).body("items.size()", equalTo(1));
    }

    @Test
    void theApiIgnoresTheConsoleCookie() {
        String cookie = signIn(TestAuth.DEV_KEY).getCookie(COOKIE);
        given().noFilters().cookie(COOKIE, cookie).get("/api/v1/products").then().statusCode(401);
    }

    @Test
    void signingOutEndsTheSessionEvenForACopyOfTheCookie() {
        String cookie = signIn(TestAuth.DEV_KEY).getCookie(COOKIE);
        String token = csrfToken(cookie);
        given().noFilters().redirects().follow(false).cookie(COOKIE, cookie).header(ConsoleGuard.CSRF_HEADER, token)
                .post("/logout").then().statusCode(204).header("HX-Redirect", "/login")
                .header("Set-Cookie", containsString("Max-Age=0"));
        given().noFilters().redirects().follow(false).cookie(COOKIE, cookie).get("/products")
                .then().statusCode(303).header("Location", containsString("/login"));
    }

    @Test
    void aJwtSignInEndsWhenTheJwtExpires() throws Exception {
        PrivateKey key = KeyUtils.readPrivateKey("jwt/private-key.pem");
        long now = System.currentTimeMillis() / 1000;
        String jwt = Jwt.issuer("https://issuer.test.catalog-hooks").upn("alice@example.com")
                .groups(Set.of("catalog-reader")).issuedAt(now).expiresAt(now + 600).sign(key);
        Response signIn = signIn(jwt);
        signIn.then().statusCode(303);
        Matcher maxAge = Pattern.compile("Max-Age=(\\d+)").matcher(signIn.getHeader("Set-Cookie"));
        assertTrue(maxAge.find());
        long seconds = Long.parseLong(maxAge.group(1));
        assertTrue(seconds <= 600 && seconds > 500, "the session lasts as long as the JWT: " + seconds);
        given().noFilters().redirects().follow(false).cookie(COOKIE, signIn.getCookie(COOKIE)).get("/products")
                .then().statusCode(200).body(containsString("alice@example.com"));
    }

    private static Response signIn(String credential) {
        return given().noFilters().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("credential", credential).formParam("next", "/products").post("/login");
    }

    private static Response createProduct(String cookie, String token, String origin, String sku) {
        var request = given().noFilters().redirects().follow(false).cookie(COOKIE, cookie)
                .contentType("application/x-www-form-urlencoded").formParam("sku", sku).formParam("name", "Console");
        if (token != null) {
            request.header(ConsoleGuard.CSRF_HEADER, token);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return request.post("/products");
    }

    private static String csrfToken(String cookie) {
        String page = given().noFilters().cookie(COOKIE, cookie).get("/products").then().statusCode(200).extract().asString();
        Matcher matcher = CSRF.matcher(page);
        assertTrue(matcher.find(), "the page carries the CSRF token");
        assertNotNull(matcher.group(1));
        return matcher.group(1);
    }

    /** Hamcrest's endsWith, named apart from JUnit's. */
    private static final class Matchers {
        static org.hamcrest.Matcher<String> endsWith(String suffix) {
            return org.hamcrest.Matchers.endsWith(suffix);
        }
    }
}
