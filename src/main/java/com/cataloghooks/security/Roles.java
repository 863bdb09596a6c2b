package com.cataloghooks.security;

import java.util.Set;

/** The roles the API checks ({@code @RolesAllowed}); an API key or a JWT's {@code groups} claim grants them. */
public final class Roles {

    /** Every GET. */
    public static final String READER = "catalog-reader";
    /** Product writes, imports and bulk deletes. */
    public static final String WRITER = "catalog-writer";
    /** Webhooks: their CRUD, test sends and attempt logs. */
    public static final String WEBHOOK_ADMIN = "webhook-admin";

    public static final Set<String> ALL = Set.of(READER, WRITER, WEBHOOK_ADMIN);

    private Roles() {
    }
}
