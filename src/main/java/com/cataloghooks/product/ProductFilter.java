package com.cataloghooks.product;

/** List filters; {@code null} means "any". */
public record ProductFilter(String sku, String name, Boolean active, String q) {
}
