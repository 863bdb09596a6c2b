package com.cataloghooks.product;

import com.cataloghooks.common.error.ConflictException;
import com.cataloghooks.common.error.NotFoundException;
import com.cataloghooks.common.web.KeysetCursor;
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

    /** The unique index on {@code lower(sku)} (V1__catalog_and_webhooks.sql). */
    private static final String SKU_INDEX = "products_sku_ci_uq";

    private final ProductRepository repository;
    private final ProductEvents events;

    public ProductService(ProductRepository repository, ProductEvents events) {
        this.repository = repository;
        this.events = events;
    }

    @Transactional
    public ProductResponse create(CreateProductRequest request, boolean triggerWebhooks) {
        String sku = request.sku().trim();
        Product product = new Product(sku, request.name().trim(), request.description(),
                request.active() == null || request.active());
        repository.persist(product);
        flushUnique(sku);
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
        ProductRepository.Result result = repository.search(filter, page, KeysetCursor.decode(after, "after"));
        List<ProductResponse> items = result.items().stream().map(ProductService::toResponse).toList();
        Page<ProductResponse> found = result.total() == null ? Page.byKey(items, page, result.more())
                : Page.of(items, result.total(), page).withHasMore(result.more());
        return result.items().isEmpty() ? found
                : found.withNextCursor(cursorAfter(result.items().get(result.items().size() - 1)).encode());
    }

    /**
     * A page by key only, never counted, so every page of a large catalog costs the same: what a person browsing
     * page after page needs. {@code after} is a {@code next_cursor} handed out before, or null for the first page.
     */
    @Transactional
    public Page<ProductResponse> browse(ProductFilter filter, int limit, String after) {
        PageRequest page = new PageRequest(limit, 0);
        ProductRepository.Result result = repository.search(filter, page, KeysetCursor.decode(after, "after"), false);
        List<ProductResponse> items = result.items().stream().map(ProductService::toResponse).toList();
        Page<ProductResponse> found = Page.byKey(items, page, result.more());
        return items.isEmpty() ? found : found.withNextCursor(cursorAfter(result.items().get(items.size() - 1)).encode());
    }

    /** How many products match: what a bulk delete by the same filter would delete now. */
    @Transactional
    public long count(ProductFilter filter) {
        return repository.count(filter);
    }

    @Transactional
    public ProductResponse update(UUID id, UpdateProductRequest request, boolean triggerWebhooks) {
        Product product = find(id);
        String sku = request.sku() == null ? null : request.sku().trim();
        String name = request.name() == null ? null : request.name().trim();
        boolean changed = product.apply(sku, name, request.description(), request.active());
        flushUnique(sku);
        if (changed && triggerWebhooks) {
            events.updated(product);
        }
        return toResponse(product);
    }

    @Transactional
    public void delete(UUID id, boolean triggerWebhooks) {
        Product product = find(id);
        repository.delete(product);
        // the row is deleted (and locked) before the event is numbered: Hibernate would insert the event first, and
        // two writes of one product would then be numbered in another order than they commit
        repository.flush();
        if (triggerWebhooks) {
            events.deleted(product);
        }
    }

    private Product find(UUID id) {
        return repository.findByIdOptional(id).orElseThrow(() -> new NotFoundException("product", id.toString()));
    }

    /**
     * Writes the insert or update now, so that a taken SKU is refused by the unique index on {@code lower(sku)} and
     * answered as a conflict. No lookup first: it cost a round trip and a query plan per write (a fifth of a
     * POST's CPU, profiled), and could not decide alone anyway, since a concurrent writer may take the SKU
     * between a lookup and the insert.
     */
    private void flushUnique(String sku) {
        try {
            repository.flush();
        } catch (ConstraintViolationException e) {
            if (!SKU_INDEX.equals(e.getConstraintName())) {
                throw e;
            }
            throw skuTaken(sku);
        }
    }

    private static ConflictException skuTaken(String sku) {
        return new ConflictException("sku", "a product with SKU '" + sku + "' already exists (SKUs are unique"
                + " regardless of case)");
    }

    static ProductResponse toResponse(Product p) {
        return new ProductResponse(p.getId(), p.getSku(), p.getName(), p.getDescription(), p.isActive(),
                p.getCreatedAt(), p.getUpdatedAt());
    }

    private static KeysetCursor cursorAfter(Product last) {
        return new KeysetCursor(last.getCreatedAt(), last.getId());
    }
}
