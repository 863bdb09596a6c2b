package com.cataloghooks.product;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes many products in one statement, for imports. Rows without their own {@code product.*} events: the
 * caller announces the change set as a whole.
 */
@ApplicationScoped
public class ProductBulkWriter {

    /**
     * Upsert by SKU, case-insensitively: a new SKU is inserted, an existing one gets the row's name, description
     * and active flag (its SKU spelling and creation time stay). A row equal to the stored product is not
     * rewritten, so its {@code updated_at} stays, as with an API update that changes nothing. Rows travel as
     * arrays: one round trip, one plan.
     * The rows must have distinct SKUs (any case): one statement cannot update a row twice.
     */
    private static final String UPSERT = upsertFrom("""
            incoming AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[]) AS r (sku, name, description, active)
            )""");

    /**
     * The same, for rows that may repeat a SKU: the database keeps the last row's values and the first row's
     * spelling. Used when Java's and PostgreSQL's idea of lower case differ for some SKU of the batch.
     */
    private static final String UPSERT_REPEATING = upsertFrom("""
            input AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::boolean[])
                    WITH ORDINALITY AS r (sku, name, description, active, ord)
            ), latest AS (
                SELECT DISTINCT ON (lower(sku)) lower(sku) AS k, name, description, active
                FROM input ORDER BY lower(sku), ord DESC
            ), first AS (
                SELECT DISTINCT ON (lower(sku)) lower(sku) AS k, sku FROM input ORDER BY lower(sku), ord
            ), incoming AS (
                SELECT f.sku, l.name, l.description, l.active FROM latest l JOIN first f USING (k)
            )""");

    /** The upsert of the rows of the CTE {@code incoming} (defined by {@code rows}); answers how many were new. */
    private static String upsertFrom(String rows) {
        return "WITH " + rows + """
                , written AS (
                    INSERT INTO products (id, sku, name, description, active, created_at, updated_at)
                    SELECT gen_random_uuid(), sku, name, description, active,
                           date_trunc('milliseconds', statement_timestamp()),
                           date_trunc('milliseconds', statement_timestamp())
                    FROM incoming
                    ON CONFLICT (lower(sku)) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
                        active = EXCLUDED.active, updated_at = EXCLUDED.updated_at
                        WHERE (products.name, products.description, products.active)
                            IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.active)
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted) FROM written
                """;
    }

    /** "ON CONFLICT DO UPDATE command cannot affect row a second time" */
    private static final String ROW_TWICE = "21000";

    private final EntityManager entityManager;

    public ProductBulkWriter(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Upserts the rows in the caller's transaction; within the batch the last row for a SKU wins, and the first
     * row's spelling is the one a new product gets. Every row counts once: as created if it brought a new SKU,
     * else as updated (a SKU repeated in one batch counts as created once, then updated; a row that matched an
     * existing SKU counts as updated even if it changed nothing).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Counts upsert(List<ProductRow> rows) {
        if (rows.isEmpty()) {
            return new Counts(0, 0);
        }
        long created = entityManager.unwrap(Session.class).doReturningWork(connection -> write(connection, rows));
        return new Counts(created, rows.size() - created);
    }

    private static long write(Connection connection, List<ProductRow> rows) throws SQLException {
        List<ProductRow> distinct = lastPerSku(rows);
        Savepoint beforeWrite = connection.setSavepoint();
        try {
            return execute(connection, UPSERT, distinct);
        } catch (SQLException e) {
            if (!ROW_TWICE.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(beforeWrite);
            return execute(connection, UPSERT_REPEATING, rows);
        }
    }

    /**
     * One row per SKU: the last row's values under the first row's spelling, ordered by SKU so that concurrent
     * bulk writes lock rows in the same order (no deadlock between two imports sharing SKUs). SKUs are compared
     * by {@link ProductRow#skuKey()}: SKUs that only the database sees as equal are left to
     * {@link #UPSERT_REPEATING}.
     */
    private static List<ProductRow> lastPerSku(List<ProductRow> rows) {
        Map<String, ProductRow> bySku = new TreeMap<>();
        for (ProductRow row : rows) {
            bySku.merge(row.skuKey(), row,
                    (first, last) -> new ProductRow(first.sku(), last.name(), last.description(), last.active()));
        }
        return new ArrayList<>(bySku.values());
    }

    private static long execute(Connection connection, String sql, List<ProductRow> rows) throws SQLException {
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
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", skus));
            statement.setArray(2, connection.createArrayOf("text", names));
            statement.setArray(3, connection.createArrayOf("text", descriptions));
            statement.setArray(4, connection.createArrayOf("boolean", actives));
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
