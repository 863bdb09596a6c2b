package com.cataloghooks.bench;

import java.util.Locale;

/** How the benchmarks print their figures: durations from nanoseconds, sizes from kilobytes, locale-free. */
final class Units {

    private Units() {
    }

    /** e.g. {@code 3.2 ms}, {@code 540 ms}, {@code 12.5 s}; {@code n/a} for a negative (unmeasured) value. */
    static String ms(long nanos) {
        double millis = nanos / 1e6;
        return nanos < 0 ? "n/a" : millis >= 10_000 ? fmt("%.1f s", millis / 1000)
                : fmt(millis >= 100 ? "%.0f ms" : "%.1f ms", millis);
    }

    /** e.g. {@code 357 MB}; {@code n/a} for a negative (unread) value. */
    static String mb(long kb) {
        return kb < 0 ? "n/a" : fmt("%.0f MB", kb / 1024.0);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
