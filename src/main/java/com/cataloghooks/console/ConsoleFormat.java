package com.cataloghooks.console;

import io.quarkus.qute.TemplateExtension;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formatting the console's templates share, as Qute extension methods ({@code {text.shorten(80)}}). */
@TemplateExtension
public final class ConsoleFormat {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ConsoleFormat() {
    }

    /** At most {@code max} characters, with an ellipsis when cut. */
    static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + "\u2026";
    }

    /** A moment as people read it here: UTC, to the second. */
    static String readable(Instant instant) {
        return instant == null ? "" : WHEN.format(instant);
    }
}
