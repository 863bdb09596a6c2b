package com.cataloghooks.product;

import com.cataloghooks.common.error.InvalidInputException;
import com.cataloghooks.common.error.Problem;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.common.web.QueryParams;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.product.api.ProductResponse;
import com.cataloghooks.product.api.UpdateProductRequest;
import com.cataloghooks.task.api.TaskAccepted;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import com.cataloghooks.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.util.UUID;

@Path("/api/v1/products")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Products")
public class ProductResource {

    private static final String OPT_OUT = "Set to false to change the product without notifying webhooks";

    private static final java.util.List<String> BULK_DELETE_PARAMETERS =
            java.util.List.of("confirm", "sku", "name", "active", "q", "trigger_webhooks");

    private final ProductService service;
    private final ProductBulkDelete bulkDelete;

    public ProductResource(ProductService service, ProductBulkDelete bulkDelete) {
        this.service = service;
        this.bulkDelete = bulkDelete;
    }

    @RolesAllowed(Roles.WRITER)
    @POST
    @Operation(operationId = "createProduct", summary = "Create a product (emits product.created)")
    @APIResponse(responseCode = "201", description = "The product created; Location names it",
            headers = @Header(name = "Location", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = ProductResponse.class)))
    @APIResponse(responseCode = "409", description = "A product with this SKU exists (any case)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Response create(@Valid @NotNull CreateProductRequest request,
                           @Parameter(description = OPT_OUT) @RestQuery("trigger_webhooks") String triggerWebhooks,
                           UriInfo uriInfo) {
        ProductResponse created = service.create(request, trigger(triggerWebhooks));
        URI location = uriInfo.getAbsolutePathBuilder().path(created.id().toString()).build();
        return Response.created(location).entity(created).build();
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Operation(operationId = "listProducts", summary = "List products, newest first, with optional filters")
    public Page<ProductResponse> list(@RestQuery String limit, @RestQuery String offset,
                                      @Parameter(description = "Exact SKU, any case") @RestQuery String sku,
                                      @Parameter(description = "Part of the name, any case") @RestQuery String name,
                                      @RestQuery String active,
                                      @Parameter(description = "Text in SKU, name or description") @RestQuery String q,
                                      @Parameter(description = "Keyset paging: the next_cursor of the previous page")
                                      @RestQuery String after) {
        ProductFilter filter = filter(sku, name, active, q);
        if (after != null && offset != null) {
            throw new InvalidInputException("after", "cannot be combined with offset");
        }
        return service.list(filter, PageRequest.parse(limit, offset, 20, 100), after);
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}")
    @Operation(operationId = "getProduct", summary = "Get a product")
    public ProductResponse get(@RestPath String id) {
        return service.get(QueryParams.pathId("product", id));
    }

    @RolesAllowed(Roles.WRITER)
    @PUT
    @Path("/{id}")
    @Operation(operationId = "updateProduct",
            summary = "Update some fields of a product (emits product.updated when something changed)")
    @APIResponse(responseCode = "409",
            description = "Another product has this SKU (any case), or the product changed meanwhile",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "200", description = "The product as it is now",
            content = @Content(schema = @Schema(implementation = ProductResponse.class)))
    public ProductResponse update(@RestPath String id, @Valid @NotNull UpdateProductRequest request,
                                  @Parameter(description = OPT_OUT) @RestQuery("trigger_webhooks") String triggerWebhooks) {
        return service.update(QueryParams.pathId("product", id), request, trigger(triggerWebhooks));
    }

    @RolesAllowed(Roles.WRITER)
    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteProduct", summary = "Delete a product (emits product.deleted)")
    @APIResponse(responseCode = "204", description = "Deleted")
    // a 204 has no body to negotiate: a client that accepts only the problem+json of the failures (what generated
    // clients send when 204 is the only success) must not get 406
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response delete(@RestPath String id,
                           @Parameter(description = OPT_OUT) @RestQuery("trigger_webhooks") String triggerWebhooks) {
        service.delete(QueryParams.pathId("product", id), trigger(triggerWebhooks));
        return Response.noContent().build();
    }

    @RolesAllowed(Roles.WRITER)
    @DELETE
    @Operation(operationId = "deleteProducts",
            summary = "Delete every product matching the filters, as a background task",
            description = "Needs confirm=true. Without filters, deletes the whole catalog. Emits product.deleted"
                    + " per product unless trigger_webhooks=false. Answers 202 with where to follow the task.")
    @APIResponse(responseCode = "202", description = "The deletion is queued",
            headers = @Header(name = "Location", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(schema = @Schema(implementation = TaskAccepted.class)))
    public Response deleteMatching(@Parameter(description = "Must be true") @RestQuery String confirm,
                                   @RestQuery String sku, @RestQuery String name, @RestQuery String active,
                                   @RestQuery String q,
                                   @Parameter(description = OPT_OUT) @RestQuery("trigger_webhooks") String triggerWebhooks,
                                   UriInfo uriInfo) {
        // a misspelt filter must not widen the deletion to the whole catalog
        for (String parameter : uriInfo.getQueryParameters().keySet()) {
            if (!BULK_DELETE_PARAMETERS.contains(parameter)) {
                throw new InvalidInputException(parameter, "is not a parameter of a bulk delete (allowed: "
                        + String.join(", ", BULK_DELETE_PARAMETERS) + ")");
            }
        }
        if (!Boolean.TRUE.equals(QueryParams.boolParam("confirm", confirm))) {
            throw new InvalidInputException("confirm",
                    "must be true: this deletes every product matching the filters (all products without filters)");
        }
        UUID task = bulkDelete.start(filter(sku, name, active, q), trigger(triggerWebhooks));
        String status = ProductDeletionResource.PATH + "/" + task;
        return Response.accepted(new TaskAccepted(task, "queued", status, status + "/events"))
                .location(uriInfo.getBaseUriBuilder().path(status).build()).build();
    }

    private static ProductFilter filter(String sku, String name, String active, String q) {
        return ProductFilter.parse(sku, name, active, q);
    }

    private static boolean trigger(String raw) {
        Boolean value = QueryParams.boolParam("trigger_webhooks", raw);
        return value == null || value;
    }
}
