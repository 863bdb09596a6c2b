package com.cataloghooks.product;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

@Entity
@Table(name = "products")
@DynamicUpdate
public class Product {

    @Id
    private UUID id;

    @Column(nullable = false, length = 100)
    private String sku;

    @Column(nullable = false)
    private String name;

    @Column(columnDefinition = "text")
    private String description;

    @Column(nullable = false)
    private boolean active;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Product() {
    }

    Product(String sku, String name, String description, boolean active) {
        this.id = UUID.randomUUID();
        this.sku = sku;
        this.name = name;
        this.description = description;
        this.active = active;
        this.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        this.updatedAt = createdAt;
    }

    /**
     * Applies the given values; {@code null} leaves a field as it is.
     *
     * @return whether anything changed
     */
    boolean apply(String newSku, String newName, String newDescription, Boolean newActive) {
        boolean changed = false;
        if (newSku != null && !newSku.equals(sku)) {
            sku = newSku;
            changed = true;
        }
        if (newName != null && !newName.equals(name)) {
            name = newName;
            changed = true;
        }
        if (newDescription != null && !Objects.equals(newDescription, description)) {
            description = newDescription;
            changed = true;
        }
        if (newActive != null && newActive != active) {
            active = newActive;
            changed = true;
        }
        if (changed) {
            updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
        return changed;
    }

    public UUID getId() {
        return id;
    }

    public String getSku() {
        return sku;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public boolean isActive() {
        return active;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
