package com.cataloghooks.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The address ranges a webhook must not reach by default: everything that is not the public internet
 * (IANA special-purpose registries, RFC 6890). IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible,
 * NAT64, 6to4) are judged by the IPv4 address they carry.
 */
final class AddressRanges {

    private record Range(Cidr cidr, String kind) {
    }

    private static final List<Range> INTERNAL = Map.ofEntries(
                    Map.entry("0.0.0.0/8", "an unspecified ('this network') address"),
                    Map.entry("127.0.0.0/8", "a loopback address"),
                    Map.entry("10.0.0.0/8", "a private (RFC 1918) address"),
                    Map.entry("172.16.0.0/12", "a private (RFC 1918) address"),
                    Map.entry("192.168.0.0/16", "a private (RFC 1918) address"),
                    Map.entry("100.64.0.0/10", "a carrier-grade NAT address"),
                    Map.entry("169.254.0.0/16", "a link-local address (cloud metadata lives there)"),
                    Map.entry("192.0.0.0/24", "an IETF protocol address"),
                    Map.entry("192.0.2.0/24", "a documentation address"),
                    Map.entry("198.51.100.0/24", "a documentation address"),
                    Map.entry("203.0.113.0/24", "a documentation address"),
                    Map.entry("198.18.0.0/15", "a benchmarking address"),
                    Map.entry("224.0.0.0/4", "a multicast address"),
                    Map.entry("255.255.255.255/32", "the broadcast address"),
                    Map.entry("240.0.0.0/4", "a reserved address"),
                    Map.entry("::/128", "the unspecified address"),
                    Map.entry("::1/128", "a loopback address"),
                    Map.entry("fc00::/7", "a unique-local address"),
                    Map.entry("fe80::/10", "a link-local address"),
                    Map.entry("fec0::/10", "a site-local address"),
                    Map.entry("ff00::/8", "a multicast address"),
                    Map.entry("100::/64", "a discard-only address"),
                    Map.entry("2001:db8::/32", "a documentation address"))
            .entrySet().stream()
            .map(e -> new Range(Cidr.parse(e.getKey()), e.getValue()))
            // the broadcast address before the reserved range that holds it: the narrower name wins
            .sorted((a, b) -> Integer.compare(b.cidr().prefix(), a.cidr().prefix()))
            .toList();

    private AddressRanges() {
    }

    /** What kind of internal address this is, or null for a public one. */
    static String internalKind(InetAddress address) {
        InetAddress judged = embeddedIpv4(address);
        for (Range range : INTERNAL) {
            if (range.cidr().contains(judged)) {
                return range.kind();
            }
        }
        return null;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or the address itself. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean firstTenZero = allZero(b, 0, 10);
        if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return ipv4(b, 12); // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (firstTenZero && b[10] == 0 && b[11] == 0 && !allZero(b, 12, 14)) {
            return ipv4(b, 12); // ::a.b.c.d, IPv4-compatible (deprecated, still routable by some stacks)
        }
        if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            return ipv4(b, 12); // 64:ff9b::a.b.c.d, NAT64
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return ipv4(b, 2); // 2002:aabb:ccdd::, 6to4
        }
        return address;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] bytes, int from) {
        try {
            return Inet4Address.getByAddress(Arrays.copyOfRange(bytes, from, from + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
