package com.cataloghooks.importing;

import com.cataloghooks.product.ProductRow;
import com.cataloghooks.task.api.RowError;

import java.util.Locale;

/**
 * The same rules an API write follows, applied to one CSV record: {@code sku} (at most 100 characters) and
 * {@code name} (at most 255) are required, single-line and trimmed; {@code description} (at most 10,000) is
 * optional, an empty cell meaning none; {@code active} is true, false, 1, 0, yes or no in any case, true when empty.
 */
final class ImportRowRules {

    private ImportRowRules() {
    }

    /** The product, or the row's first problem. */
    static Object check(CsvProductReader.Record record) {
        String sku = trimmed(record.sku());
        String problem = singleLine(sku, 100);
        if (problem != null) {
            return new RowError(record.row(), "sku", problem);
        }
        String name = trimmed(record.name());
        problem = singleLine(name, 255);
        if (problem != null) {
            return new RowError(record.row(), "name", problem);
        }
        String description = record.description() == null || record.description().isEmpty() ? null
                : record.description();
        if (description != null && description.length() > 10_000) {
            return new RowError(record.row(), "description", "must be at most 10000 characters");
        }
        if (description != null && description.indexOf('\0') >= 0) {
            return new RowError(record.row(), "description", "must not contain the NUL character");
        }
        Boolean active = active(record.active());
        if (active == null) {
            return new RowError(record.row(), "active", "must be true, false, 1, 0, yes or no");
        }
        return new ProductRow(sku, name, description, active);
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }

    private static String singleLine(String value, int max) {
        if (value.isEmpty()) {
            return "is required";
        }
        if (value.length() > max) {
            return "must be at most " + max + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return "must not contain line breaks or control characters";
            }
        }
        return null;
    }

    private static Boolean active(String raw) {
        String value = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> null;
        };
    }
}
