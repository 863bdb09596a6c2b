package com.cataloghooks.console.products;

import com.cataloghooks.console.Htmx;
import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.console.FormErrors;
import com.cataloghooks.product.ProductBulkDelete;
import com.cataloghooks.product.ProductFilter;
import com.cataloghooks.product.ProductService;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.product.api.ProductResponse;
import com.cataloghooks.product.api.UpdateProductRequest;
import com.cataloghooks.security.Roles;
import com.cataloghooks.task.TaskKind;
import com.cataloghooks.task.TaskService;
import com.cataloghooks.task.api.TaskResponse;
import com.cataloghooks.common.web.QueryParams;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The console's products: a table browsed by key (every page costs the same, 500,000 rows deep), create and edit
 * forms that show the API's own validation messages by their fields, delete, and bulk delete by filter after a
 * confirmation that says how many products it will delete. Everything goes through {@link ProductService} and
 * {@link ProductBulkDelete}, as the API does.
 */
@Path("/products")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class ProductPages {

    public static final int PAGE_SIZE = 50;

    /** The filter a form or a link carries, as typed (for refilling the form) and as parsed. */
    public record Filter(String q, String sku, String name, String active) {
        ProductFilter parsed() {
            return ProductFilter.parse(sku, name, active, q);
        }

        /** The query string that repeats this filter (for paging links and the bulk delete). */
        public String query() {
            StringBuilder query = new StringBuilder();
            append(query, "q", q);
            append(query, "sku", sku);
            append(query, "name", name);
            append(query, "active", active);
            return query.toString();
        }

        public String describe() {
            List<String> parts = new java.util.ArrayList<>();
            if (q != null && !q.isBlank()) parts.add("text \u201c" + q.strip() + "\u201d");
            if (sku != null && !sku.isBlank()) parts.add("SKU " + sku.strip());
            if (name != null && !name.isBlank()) parts.add("name containing \u201c" + name.strip() + "\u201d");
            if ("true".equals(active)) parts.add("active");
            if ("false".equals(active)) parts.add("inactive");
            return parts.isEmpty() ? "all products (no filter)" : String.join(", ", parts);
        }

        private static void append(StringBuilder query, String name, String value) {
            if (value != null && !value.isBlank()) {
                query.append(query.length() == 0 ? "" : "&").append(name).append('=')
                        .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    /** What the create and edit forms show: the values typed (or stored) and the refusals. */
    public record Form(String id, String sku, String name, String description, boolean active, boolean notifyWebhooks) {
        static Form blank() {
            return new Form(null, "", "", "", true, true);
        }

        static Form of(ProductResponse product) {
            return new Form(product.id().toString(), product.sku(), product.name(),
                    product.description() == null ? "" : product.description(), product.active(), true);
        }
    }

    @CheckedTemplate(basePath = "console/products")
    static class Templates {
        static native TemplateInstance list(Filter filter, Page<ProductResponse> page, String after, String error);

        static native TemplateInstance edit(Form form, FormErrors errors, ProductResponse product, String saved);

        static native TemplateInstance edit$form(Form form, FormErrors errors, ProductResponse product);

        static native TemplateInstance deletePreview(Filter filter, long count);

        static native TemplateInstance deletion(TaskResponse task);
    }

    private final ProductService products;
    private final ProductBulkDelete bulkDelete;
    private final TaskService tasks;
    private final Validator validator;

    public ProductPages(ProductService products, ProductBulkDelete bulkDelete, TaskService tasks, Validator validator) {
        this.products = products;
        this.bulkDelete = bulkDelete;
        this.tasks = tasks;
        this.validator = validator;
    }

    @GET
    @RolesAllowed(Roles.READER)
    public TemplateInstance list(@RestQuery String q, @RestQuery String sku, @RestQuery String name,
                                 @RestQuery String active, @RestQuery String after) {
        Filter filter = new Filter(q, sku, name, active);
        try {
            return Templates.list(filter, products.browse(filter.parsed(), PAGE_SIZE, after), after, null);
        } catch (ApiException refused) {
            return Templates.list(filter, null, null, refused.getMessage());
        }
    }

    @GET
    @Path("/new")
    @RolesAllowed(Roles.WRITER)
    public TemplateInstance createForm() {
        return Templates.edit(Form.blank(), FormErrors.none(), null, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WRITER)
    public Response create(@RestForm String sku, @RestForm String name, @RestForm String description,
                           @RestForm String active, @RestForm String notify) {
        Form form = new Form(null, sku, name, description, Htmx.checked(active), Htmx.checked(notify));
        CreateProductRequest request = new CreateProductRequest(sku, name, emptyToNull(description), form.active());
        Set<ConstraintViolation<CreateProductRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            return refused(form, FormErrors.of(violations), null);
        }
        try {
            ProductResponse created = products.create(request, form.notifyWebhooks());
            return Htmx.redirect("/products/" + created.id() + "?saved=created");
        } catch (ApiException refusal) {
            return refused(form, FormErrors.of(refusal), null);
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance show(@RestPath String id, @RestQuery String saved) {
        ProductResponse product = products.get(QueryParams.pathId("product", id));
        String notice = "created".equals(saved) || "updated".equals(saved) ? "Product " + saved + "." : null;
        return Templates.edit(Form.of(product), FormErrors.none(), product, notice);
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WRITER)
    public Response update(@RestPath String id, @RestForm String sku, @RestForm String name,
                           @RestForm String description, @RestForm String active, @RestForm String notify) {
        UUID productId = QueryParams.pathId("product", id);
        Form form = new Form(productId.toString(), sku, name, description, Htmx.checked(active), Htmx.checked(notify));
        UpdateProductRequest request = new UpdateProductRequest(sku, name, description == null ? "" : description,
                form.active());
        Set<ConstraintViolation<UpdateProductRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            return refused(form, FormErrors.of(violations), null);
        }
        try {
            products.update(productId, request, form.notifyWebhooks());
            return Htmx.redirect("/products/" + productId + "?saved=updated");
        } catch (ApiException refusal) {
            return refused(form, FormErrors.of(refusal), null);
        }
    }

    @POST
    @Path("/{id}/delete")
    @RolesAllowed(Roles.WRITER)
    public Response delete(@RestPath String id) {
        products.delete(QueryParams.pathId("product", id), true);
        return Htmx.redirect("/products?deleted=1");
    }

    @GET
    @Path("/delete-preview")
    @RolesAllowed(Roles.WRITER)
    public TemplateInstance deletePreview(@RestQuery String q, @RestQuery String sku, @RestQuery String name,
                                          @RestQuery String active) {
        Filter filter = new Filter(q, sku, name, active);
        return Templates.deletePreview(filter, products.count(filter.parsed()));
    }

    @POST
    @Path("/delete-matching")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.WRITER)
    public TemplateInstance deleteMatching(@RestForm String q, @RestForm String sku, @RestForm String name,
                                           @RestForm String active, @RestForm String notify) {
        Filter filter = new Filter(q, sku, name, active);
        UUID task = bulkDelete.start(filter.parsed(), Htmx.checked(notify));
        return Templates.deletion(tasks.get(TaskKind.BULK_DELETE, task));
    }

    @GET
    @Path("/deletions/{taskId}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance deletion(@RestPath String taskId) {
        return Templates.deletion(tasks.get(TaskKind.BULK_DELETE, QueryParams.pathId("task", taskId)));
    }

    private static Response refused(Form form, FormErrors errors, ProductResponse product) {
        return Response.status(422).entity(Templates.edit$form(form, errors, product)).build();
    }



    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
