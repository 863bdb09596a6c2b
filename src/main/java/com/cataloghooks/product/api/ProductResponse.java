package com.cataloghooks.product.api;

import java.time.Instant;
import java.util.UUID;

public record ProductResponse(UUID id, String sku, String name, String description, boolean active,
                              Instant createdAt, Instant updatedAt) {
}
