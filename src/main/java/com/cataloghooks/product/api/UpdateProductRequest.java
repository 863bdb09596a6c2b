package com.cataloghooks.product.api;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT /api/v1/products/{id}}: a partial update, absent or null fields stay as they are. */
public record UpdateProductRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String sku,
        @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String name,
        @Size(max = 10000) String description,
        Boolean active) {
}
