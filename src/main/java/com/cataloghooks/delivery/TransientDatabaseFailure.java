package com.cataloghooks.delivery;

import org.hibernate.exception.JDBCConnectionException;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.function.Predicate;

/**
 * Failures worth waiting out: the database unreachable, restarting, overloaded, or a transaction that lost a race
 * (SQLSTATE classes 08, 53, 57P, 40). Anything else is permanent and must not hold the Kafka channel back.
 */
public class TransientDatabaseFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return matches(failure, 0);
    }

    private static boolean matches(Throwable t, int depth) {
        if (t == null || depth > 10) {
            return false;
        }
        if (t instanceof JDBCConnectionException || t instanceof SQLTransientException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")) {
                return true;
            }
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (matches(suppressed, depth + 1)) {
                return true;
            }
        }
        return t.getCause() != t && matches(t.getCause(), depth + 1);
    }
}
