package com.cataloghooks.common.db;

import org.hibernate.exception.JDBCConnectionException;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.function.Predicate;

/**
 * Failures worth waiting out: the database unreachable, restarting, overloaded, or a transaction that lost a race
 * (SQLSTATE classes 08, 53, 57P, 40, and 57014 for a cancelled statement), or no connection free in the pool in
 * time. Anything else is permanent. Requests meeting one get 503 with {@code Retry-After}; background work retries.
 */
public class TransientDatabaseFailure implements Predicate<Throwable> {

    private static final String POOL_PACKAGE = "io.agroal.";

    @Override
    public boolean test(Throwable failure) {
        return find(failure) != null;
    }

    /** The transient failure among {@code failure}, its causes and suppressed exceptions, or null. */
    public static Throwable find(Throwable failure) {
        return find(failure, 0);
    }

    private static Throwable find(Throwable t, int depth) {
        if (t == null || depth > 10) {
            return null;
        }
        if (isTransient(t)) {
            return t;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            Throwable found = find(suppressed, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return t.getCause() == t ? null : find(t.getCause(), depth + 1);
    }

    private static boolean isTransient(Throwable t) {
        if (t instanceof JDBCConnectionException || t instanceof SQLTransientException) {
            return true;
        }
        if (!(t instanceof SQLException sql)) {
            return false;
        }
        String state = sql.getSQLState();
        if (state == null) {
            return raisedByThePool(sql);
        }
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")
                || state.equals("57014");
    }

    /**
     * The pool's own failures (no connection free within the acquisition timeout, pool closing) carry no SQLSTATE;
     * they are told from the driver's by where they were raised, never by their text.
     */
    private static boolean raisedByThePool(SQLException e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith(POOL_PACKAGE);
    }
}
