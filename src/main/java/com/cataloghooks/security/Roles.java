package com.cataloghooks.security;

import java.util.Set;

/** The roles the API checks ({@code @RolesAllowed}); an API key or a JWT's {@code groups} claim grants them. */
public final class Roles {

    /** Every GET except what was sent to receivers and what they answered (see {@link #DELIVERY_PAYLOAD_READER}). */
    public static final String READER = "catalog-reader";
    /** Product writes, imports and bulk deletes. */
    public static final String WRITER = "catalog-writer";
    /** Webhooks: their CRUD, test sends, deliveries, replays and attempt logs. */
    public static final String WEBHOOK_ADMIN = "webhook-admin";

    /**
     * The one rule for reading delivery payloads and receivers' answers, whichever resource shows them (a webhook's
     * deliveries, its attempt logs): they carry product data and whatever receivers send back, so they are for
     * webhook admins only, not for every reader.
     */
    public static final String DELIVERY_PAYLOAD_READER = WEBHOOK_ADMIN;

    public static final Set<String> ALL = Set.of(READER, WRITER, WEBHOOK_ADMIN);

    private Roles() {
    }
}
