package com.cataloghooks.product;

/** One product as a bulk write (an import row) gives it; already validated. */
public record ProductRow(String sku, String name, String description, boolean active) {

    /**
     * The SKU with ASCII letters folded to lower case: equal for SKUs that differ only in the case of ASCII
     * letters. It never folds more than PostgreSQL's {@code lower()} does (in any locale but a Turkish one), so
     * two rows with different keys may still be one product to the database, never the other way round.
     */
    public String skuKey() {
        char[] chars = sku.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }
}
