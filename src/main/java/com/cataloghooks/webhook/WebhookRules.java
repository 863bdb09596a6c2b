package com.cataloghooks.webhook;

import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.event.EventType;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks Bean Validation cannot express: URL shape, event catalog, and headers safe to put on the wire. */
final class WebhookRules {

    /** RFC 9110 token characters: anything else in a name could split or corrupt the request. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    private static final int MAX_HEADER_VALUE = 1000;
    /** Headers the service owns: a custom header must not forge the signature or break the framing. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "content-encoding",
            "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "user-agent",
            "x-webhook-event", "x-webhook-signature", "webhook-id", "webhook-timestamp", "webhook-signature");

    private WebhookRules() {
    }

    static void checkUrl(String url, List<FieldError> errors) {
        if (url == null) {
            return;
        }
        String problem = urlProblem(url);
        if (problem != null) {
            errors.add(new FieldError("url", problem));
        }
    }

    private static String urlProblem(String url) {
        if (url.isBlank() || !url.strip().equals(url) || url.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            return "must be an http:// or https:// URL without spaces or control characters";
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "must start with http:// or https://";
            }
            if (TargetPolicy.hostOf(uri) == null) {
                return "must name a host";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
    }

    static void checkEvents(List<String> events, List<FieldError> errors) {
        if (events == null) {
            return;
        }
        for (int i = 0; i < events.size(); i++) {
            String event = events.get(i);
            if (event != null && EventType.fromWireName(event).isEmpty()) {
                errors.add(new FieldError("events[" + i + "]",
                        "'" + event + "' is not a known event; known: " + EventType.wireNames()));
            }
        }
    }

    static void checkHeaders(Map<String, String> headers, List<FieldError> errors) {
        if (headers == null) {
            return;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String field = "headers." + name;
            if (!HEADER_NAME.matcher(name).matches()) {
                errors.add(new FieldError("headers", "'" + printable(name)
                        + "' is not a valid header name (letters, digits and !#$%&'*+.^_`|~- only, at most 100)"));
            } else if (reserved(name.toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError(field, "is set by the service and cannot be overridden"));
            }
            String value = header.getValue();
            if (value == null) {
                errors.add(new FieldError(field, "must not be null"));
            } else if (value.length() > MAX_HEADER_VALUE) {
                errors.add(new FieldError(field, "must be at most " + MAX_HEADER_VALUE + " characters"));
            } else if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f || c > 0xff)) {
                errors.add(new FieldError(field, "must not contain line breaks, control or non-Latin-1 characters"));
            }
        }
    }

    private static boolean reserved(String lowerCaseName) {
        return RESERVED.contains(lowerCaseName) || lowerCaseName.startsWith("proxy-")
                || lowerCaseName.startsWith("x-webhook-") || lowerCaseName.startsWith("webhook-");
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.length() > 100 ? out.substring(0, 100) + "..." : out.toString();
    }
}
