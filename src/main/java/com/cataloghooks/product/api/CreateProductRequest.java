package com.cataloghooks.product.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import static com.cataloghooks.product.api.TextRules.NO_CONTROL;
import static com.cataloghooks.product.api.TextRules.NO_CONTROL_MESSAGE;

/** Body of {@code POST /api/v1/products}; {@code active} defaults to true. */
public record CreateProductRequest(
        @NotBlank @Size(max = 100) @Pattern(regexp = NO_CONTROL, message = NO_CONTROL_MESSAGE) String sku,
        @NotBlank @Size(max = 255) @Pattern(regexp = NO_CONTROL, message = NO_CONTROL_MESSAGE) String name,
        @Size(max = 10000) String description,
        Boolean active) {
}
