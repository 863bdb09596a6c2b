package com.cataloghooks.product;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes many products in one statement, for imports. Rows without their own {@code product.*} events: the
 * caller announces the change set as a whole.
 */
@ApplicationScoped
public class ProductBulkWriter {

    /**
     * Upsert by SKU, case-insensitively: a new SKU is inserted, an existing one gets the row's name, description
     * and active flag (its SKU spelling and creation time stay). Within the batch, the last row for a SKU wins and
     * the first row's spelling is the one inserted. Rows travel as arrays: one round trip, one plan.
     */
    private static final String UPSERT = """
            WITH input AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[])
                    WITH ORDINALITY AS r (sku, name, description, active, ord)
            ), latest AS (
                SELECT DISTINCT ON (lower(sku)) lower(sku) AS k, name, description, active
                FROM input ORDER BY lower(sku), ord DESC
            ), first AS (
                SELECT DISTINCT ON (lower(sku)) lower(sku) AS k, sku FROM input ORDER BY lower(sku), ord
            ), written AS (
                INSERT INTO products (id, sku, name, description, active, created_at, updated_at)
                SELECT gen_random_uuid(), f.sku, l.name, l.description, l.active,
                       date_trunc('milliseconds', statement_timestamp()),
                       date_trunc('milliseconds', statement_timestamp())
                FROM latest l JOIN first f USING (k)
                ON CONFLICT (lower(sku)) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                    active = EXCLUDED.active, updated_at = EXCLUDED.updated_at
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted) FROM written
            """;

    private final EntityManager entityManager;

    public ProductBulkWriter(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Upserts the rows in the caller's transaction. Every row counts once: as created if it brought a new SKU,
     * else as updated (a SKU repeated in one batch counts as created once, then updated).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Counts upsert(List<ProductRow> rows) {
        if (rows.isEmpty()) {
            return new Counts(0, 0);
        }
        long created = entityManager.unwrap(Session.class).doReturningWork(connection -> insert(connection, rows));
        return new Counts(created, rows.size() - created);
    }

    private static long insert(Connection connection, List<ProductRow> rows) throws SQLException {
        int n = rows.size();
        String[] skus = new String[n];
        String[] names = new String[n];
        String[] descriptions = new String[n];
        Boolean[] actives = new Boolean[n];
        for (int i = 0; i < n; i++) {
            ProductRow row = rows.get(i);
            skus[i] = row.sku();
            names[i] = row.name();
            descriptions[i] = row.description();
            actives[i] = row.active();
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            Array[] arrays = {connection.createArrayOf("text", skus), connection.createArrayOf("text", names),
                    connection.createArrayOf("text", descriptions), connection.createArrayOf("boolean", actives)};
            for (int i = 0; i < arrays.length; i++) {
                statement.setArray(i + 1, arrays[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Products created and updated by one batch; together they count every row of it. */
    public record Counts(long created, long updated) {
    }
}
