package com.cataloghooks.product.api;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import static com.cataloghooks.product.api.TextRules.NO_CONTROL;
import static com.cataloghooks.product.api.TextRules.NO_CONTROL_MESSAGE;

/** Body of {@code PUT /api/v1/products/{id}}: a partial update, absent or null fields stay as they are. */
public record UpdateProductRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        @Pattern(regexp = NO_CONTROL, message = NO_CONTROL_MESSAGE) String sku,
        @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        @Pattern(regexp = NO_CONTROL, message = NO_CONTROL_MESSAGE) String name,
        @Size(max = 10000) String description,
        Boolean active) {
}
