package com.cataloghooks.product;

import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.web.Page;
import com.cataloghooks.common.web.PageRequest;
import com.cataloghooks.product.api.CreateProductRequest;
import com.cataloghooks.product.api.ProductResponse;
import com.cataloghooks.product.api.UpdateProductRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.hibernate.exception.ConstraintViolationException;

import java.util.List;
import java.util.UUID;

/**
 * Product writes. Each write and its {@code product.*} event commit together (outbox), unless the caller opted
 * out of webhooks for that write.
 */
@ApplicationScoped
public class ProductService {

    private final ProductRepository repository;
    private final ProductEvents events;

    public ProductService(ProductRepository repository, ProductEvents events) {
        this.repository = repository;
        this.events = events;
    }

    @Transactional
    public ProductResponse create(CreateProductRequest request, boolean triggerWebhooks) {
        String sku = request.sku().trim();
        ensureSkuFree(sku, null);
        Product product = new Product(sku, request.name().trim(), request.description(),
                request.active() == null || request.active());
        repository.persist(product);
        flushUnique();
        if (triggerWebhooks) {
            events.created(product);
        }
        return toResponse(product);
    }

    @Transactional
    public ProductResponse get(UUID id) {
        return toResponse(find(id));
    }

    /** A page by offset, or by keyset when {@code after} (a {@code next_cursor} handed out before) is given. */
    @Transactional
    public Page<ProductResponse> list(ProductFilter filter, PageRequest page, String after) {
        ProductRepository.Result result = repository.search(filter, page, ProductCursor.decode(after));
        List<ProductResponse> items = result.items().stream().map(ProductService::toResponse).toList();
        Page<ProductResponse> found = result.total() == null ? Page.byKey(items, page, result.more())
                : Page.of(items, result.total(), page).withHasMore(result.more());
        return result.items().isEmpty() ? found
                : found.withNextCursor(ProductCursor.after(result.items().get(result.items().size() - 1)).encode());
    }

    @Transactional
    public ProductResponse update(UUID id, UpdateProductRequest request, boolean triggerWebhooks) {
        Product product = find(id);
        String sku = request.sku() == null ? null : request.sku().trim();
        if (sku != null && !sku.equalsIgnoreCase(product.getSku())) {
            ensureSkuFree(sku, id);
        }
        String name = request.name() == null ? null : request.name().trim();
        boolean changed = product.apply(sku, name, request.description(), request.active());
        flushUnique();
        if (changed && triggerWebhooks) {
            events.updated(product);
        }
        return toResponse(product);
    }

    @Transactional
    public void delete(UUID id, boolean triggerWebhooks) {
        Product product = find(id);
        repository.delete(product);
        if (triggerWebhooks) {
            events.deleted(product);
        }
    }

    private Product find(UUID id) {
        return repository.findByIdOptional(id).orElseThrow(() -> new NotFoundException("product", id.toString()));
    }

    private void ensureSkuFree(String sku, UUID self) {
        repository.findBySkuIgnoreCase(sku)
                .filter(existing -> !existing.getId().equals(self))
                .ifPresent(existing -> {
                    throw skuTaken(sku);
                });
    }

    /** A concurrent writer may take the SKU between the check and the insert: the unique index has the last word. */
    private void flushUnique() {
        try {
            repository.flush();
        } catch (ConstraintViolationException e) {
            throw skuTaken(null);
        }
    }

    private static ConflictException skuTaken(String sku) {
        return new ConflictException("sku", sku == null
                ? "a product with this SKU already exists (SKUs are unique regardless of case)"
                : "a product with SKU '" + sku + "' already exists (SKUs are unique regardless of case)");
    }

    static ProductResponse toResponse(Product p) {
        return new ProductResponse(p.getId(), p.getSku(), p.getName(), p.getDescription(), p.isActive(),
                p.getCreatedAt(), p.getUpdatedAt());
    }
}
