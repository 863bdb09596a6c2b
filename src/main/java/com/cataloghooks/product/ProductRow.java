package com.cataloghooks.product;

/** One product as a bulk write (an import row) gives it; already validated. */
public record ProductRow(String sku, String name, String description, boolean active) {
}
