package com.cataloghooks.testsupport;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;

import java.util.Map;

/**
 * The credentials tests call the API with: the documented dev key (all roles; configured in the dev and test
 * profiles, and given to packaged services by {@link ServiceProcess}) and one key per single role.
 * {@link #install()} makes every RestAssured request carry the dev key unless it sets its own Authorization header;
 * {@code given().noFilters()} sends none.
 */
public final class TestAuth {

    public static final String DEV_KEY = "chk_dev_local_only_never_in_production";
    public static final String BEARER = "Bearer " + DEV_KEY;
    public static final String READER_KEY = "chk_test_reader_only";
    public static final String WRITER_KEY = "chk_test_writer_only";
    public static final String WEBHOOK_ADMIN_KEY = "chk_test_webhook_admin_only";
    /** The dev key's entry for {@code CATALOG_SECURITY_API_KEYS}, as application.properties has it. */
    public static final String DEV_KEY_ENTRY =
            "dev:a478e0bb9082cdabd789fb07c80a5a7395683841b99f889fb783b552351d1c8c:catalog-reader+catalog-writer+webhook-admin";
    /** A packaged service's test configuration: the dev key, a test encryption key, receivers on loopback. */
    public static final Map<String, String> SERVICE_ENV = Map.of(
            "CATALOG_SECURITY_API_KEYS", DEV_KEY_ENTRY,
            "CATALOG_SECURITY_ENCRYPTION_KEYS", "test:WxYKs4IM2lzLOJvMC9LlA+L9pzVupgnpZuvvFKuJCG0=",
            "CATALOG_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");

    private static final Filter DEV_KEY_FILTER = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", BEARER);
        }
        return context.next(request, response);
    };

    private TestAuth() {
    }

    public static synchronized void install() {
        if (!RestAssured.filters().contains(DEV_KEY_FILTER)) {
            RestAssured.filters(DEV_KEY_FILTER);
        }
    }
}
