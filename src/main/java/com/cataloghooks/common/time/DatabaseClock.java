package com.cataloghooks.common.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The one clock all replicas share. Times that are compared across replicas (when an event happened, when a
 * webhook began to exist) come from here, so that clock skew between pods cannot hide an event from a webhook.
 */
@ApplicationScoped
public class DatabaseClock {

    private final EntityManager entityManager;

    public DatabaseClock(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The database's time of the current statement, to the millisecond; must run inside a transaction. */
    public Instant now() {
        Object now = entityManager.createNativeQuery("SELECT statement_timestamp()").getSingleResult();
        Instant instant = now instanceof OffsetDateTime odt ? odt.toInstant()
                : now instanceof java.sql.Timestamp ts ? ts.toInstant()
                : (Instant) now;
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
