package com.cataloghooks.common.db;

import io.agroal.api.AgroalDataSource;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One plain JDBC transaction on a pooled connection, for background work that runs on its own threads in batches
 * (outbox relay, delivery claims and recording) rather than inside a request: committed when the work returns,
 * rolled back when it throws. Plain JDBC, not JTA: these threads hand work to Kafka and Vert.x callbacks, where a
 * propagated transaction context would make the commit fail.
 */
public final class JdbcTransaction {

    /** Work on the transaction's connection. */
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransaction() {
    }

    /** @throws DatabaseException wrapping the driver's failure (its SQLSTATE tells whether it is transient) */
    public static <T> T run(AgroalDataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** A database failure in background work; {@link TransientDatabaseFailure} reads its cause. */
    public static final class DatabaseException extends RuntimeException {
        DatabaseException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
