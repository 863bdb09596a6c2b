package com.cataloghooks.common.db;

import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * Bulk writes (imports, bulk deletes) lock many rows per transaction; two of them, or one and an API write, can
 * meet in a deadlock that PostgreSQL breaks by ending one transaction. That transaction is simply tried again.
 */
public final class LockConflicts {

    private static final int ATTEMPTS = 3;

    private LockConflicts() {
    }

    /** Runs {@code transaction} (which must start and end its own transaction), again after a deadlock. */
    public static <T> T retry(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isLockConflict(e)) {
                    throw e;
                }
            }
        }
    }

    /** SQLSTATE 40P01 (deadlock detected) or 40001 (serialization failure), anywhere among the causes. */
    static boolean isLockConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
