package com.cataloghooks.product.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

public record ProductResponse(UUID id, String sku, String name, @Schema(nullable = true) String description,
                              boolean active, Instant createdAt, Instant updatedAt) {
}
