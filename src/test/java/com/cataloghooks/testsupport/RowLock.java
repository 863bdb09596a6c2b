package com.cataloghooks.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Holds a product's row lock in an open transaction, so that a test can stop an import exactly at the batch that
 * must update that product, for as long as it likes (until it rolls back or closes the connection).
 */
public final class RowLock {

    private RowLock() {
    }

    /** Locks the product with this SKU (any case) on the given connection; returns the connection. */
    public static Connection hold(Connection connection, String sku) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id FROM products WHERE lower(sku) = lower(?) FOR UPDATE")) {
            statement.setString(1, sku);
            statement.executeQuery().close();
        }
        return connection;
    }
}
