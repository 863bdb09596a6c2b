package com.cataloghooks.common.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.Map;

/**
 * Lists on every {@code /api/v1} operation the problem+json answers the README's API rules give every request
 * (components in {@code META-INF/openapi.yaml}), so they are written once rather than on 29 methods: 400 (a query
 * parameter given twice or out of range, a bad body), 401 and 403 (the credential, checked first), 404 where the
 * path names a resource (not a UUID, or nothing), 413 and 415 where there is a body, 503 (the database cannot be
 * reached). Statuses only some operations answer (409, 429, an import's 413 and 503) are on their methods.
 * Runs at build time: the document is fixed when the application is built.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/v1/")) {
                continue;
            }
            boolean namesResource = path.getKey().contains("{");
            for (Operation operation : path.getValue().getOperations().values()) {
                APIResponses responses = operation.getResponses();
                // the 401 and 403 Quarkus adds for @RolesAllowed have no body: these say what it is
                put(responses, "400", "BadRequest");
                put(responses, "401", "Unauthorized");
                put(responses, "403", "Forbidden");
                if (namesResource) {
                    put(responses, "404", "NotFound");
                }
                if (operation.getRequestBody() != null) {
                    putIfAbsent(responses, "413", "PayloadTooLarge");
                    put(responses, "415", "UnsupportedMediaType");
                }
                putIfAbsent(responses, "503", "ServiceUnavailable");
            }
        }
    }

    private static void put(APIResponses responses, String status, String component) {
        responses.addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
    }

    private static void putIfAbsent(APIResponses responses, String status, String component) {
        if (!responses.hasAPIResponse(status)) {
            put(responses, status, component);
        }
    }
}
