package com.cataloghooks.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Reads a URL host the way browsers and curl do (the WHATWG URL standard's IPv4 parser): {@code 2130706433},
 * {@code 0x7f.1}, {@code 0177.0.0.1} and {@code 127.1} are all 127.0.0.1. Java's own parser takes only some of
 * these, and a check that misreads one lets it through to a client that reads it the other way.
 */
final class Ipv4Literal {

    private Ipv4Literal() {
    }

    /**
     * The address a host names when it is an IPv4 literal in any of those spellings; empty when it is a domain name.
     *
     * @throws IllegalArgumentException when it looks like an IPv4 literal (ends in a number) but is not a valid one
     */
    static Optional<InetAddress> parse(String host) {
        String[] parts = host.split("\\.", -1);
        int count = parts.length;
        if (count > 1 && parts[count - 1].isEmpty()) {
            count--; // one trailing dot is allowed
        }
        if (count == 0 || parseNumber(parts[count - 1]) < 0) {
            return Optional.empty(); // the last label is not a number: a domain name
        }
        if (count > 4) {
            throw new IllegalArgumentException("is not a valid IPv4 address");
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = parseNumber(parts[i]);
            if (numbers[i] < 0 || (i < count - 1 && numbers[i] > 255)) {
                throw new IllegalArgumentException("is not a valid IPv4 address");
            }
        }
        long last = numbers[count - 1];
        if (last >= 1L << (8 * (5 - count))) {
            throw new IllegalArgumentException("is not a valid IPv4 address");
        }
        long value = last;
        for (int i = 0; i < count - 1; i++) {
            value += numbers[i] << (8 * (3 - i));
        }
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** A decimal, {@code 0x} hexadecimal or {@code 0}-prefixed octal number; -1 when the text is none of these. */
    private static long parseNumber(String text) {
        if (text.isEmpty() || text.length() > 20) {
            return -1;
        }
        int radix = 10;
        String digits = text;
        if (text.startsWith("0x") || text.startsWith("0X")) {
            radix = 16;
            digits = text.substring(2);
            if (digits.isEmpty()) {
                return 0;
            }
        } else if (text.length() > 1 && text.startsWith("0")) {
            radix = 8;
            digits = text.substring(1);
        }
        final int base = radix;
        if (!digits.chars().allMatch(c -> Character.digit(c, base) >= 0)) {
            return -1;
        }
        try {
            long value = Long.parseLong(digits, radix);
            return value < 0 ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
