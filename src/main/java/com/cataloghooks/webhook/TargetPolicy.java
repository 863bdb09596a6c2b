package com.cataloghooks.webhook;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may send: by default only to public addresses, so that a webhook URL can never reach into the
 * network the service runs in (loopback, private, carrier-grade NAT, link-local with the cloud metadata address,
 * unique-local, multicast and the other special-purpose ranges of {@link AddressRanges}).
 * <p>
 * The check runs when a webhook is created or changed, and again before every request, after resolving the host:
 * the request then connects to the very address that was checked ({@link #pin}), so a DNS answer that changes in
 * between (DNS rebinding) gets nowhere. {@code catalog.webhooks.allow-private-targets} turns the check off (dev and
 * tests, where receivers run on loopback); {@code catalog.webhooks.allowed-cidrs} lets chosen internal ranges through.
 */
@ApplicationScoped
public class TargetPolicy {

    private final boolean allowPrivate;
    private final List<Cidr> allowed;
    private final HostResolver resolver;

    @Inject
    public TargetPolicy(CatalogConfig config, HostResolver resolver) {
        this(config.webhooks().allowPrivateTargets(), config.webhooks().allowedCidrs().orElse(List.of()), resolver);
    }

    TargetPolicy(boolean allowPrivate, List<String> allowedCidrs, HostResolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.allowed = allowedCidrs.stream().map(String::strip).filter(s -> !s.isEmpty()).map(cidr -> {
            try {
                return Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("catalog.webhooks.allowed-cidrs: " + e.getMessage(), e);
            }
        }).toList();
    }

    /** Whether every target is allowed, so requests need no check and no pinning. */
    public boolean allowsEverything() {
        return allowPrivate;
    }

    /**
     * The problem with a webhook URL's target, for a 400 at create or update; null when it may be used. A host
     * that does not resolve now is accepted (it is checked again at every send).
     */
    public String problemWith(String url) {
        if (allowPrivate) {
            return null;
        }
        try {
            pin(url);
            return null;
        } catch (RefusedTargetException e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The address and port a request to this URL must connect to, after checking the address and every other
     * address its host resolves to. Blocks while the host is resolved.
     *
     * @throws RefusedTargetException when the host is, or resolves to, an internal address that is not allowed
     * @throws UnknownHostException   when the host does not resolve
     */
    public InetSocketAddress pin(String url) throws RefusedTargetException, UnknownHostException {
        return new InetSocketAddress(checkedAddress(url), portOf(url));
    }

    private InetAddress checkedAddress(String url) throws RefusedTargetException, UnknownHostException {
        String host = hostOf(url);
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            InetAddress address = literal.get();
            refuseIfInternal(host, address, false);
            return address;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            // RFC 6761: always loopback, whatever a resolver says
            throw new RefusedTargetException("'" + host + "' is a loopback name; " + advice());
        }
        InetAddress[] addresses = resolver.resolve(name);
        for (InetAddress address : addresses) {
            refuseIfInternal(host, address, true);
        }
        return addresses[0];
    }

    private void refuseIfInternal(String host, InetAddress address, boolean resolved) throws RefusedTargetException {
        if (allowPrivate) {
            return;
        }
        String kind = AddressRanges.internalKind(address);
        if (kind == null) {
            return;
        }
        InetAddress judged = AddressRanges.embeddedIpv4(address);
        if (allowed.stream().anyMatch(cidr -> cidr.contains(judged) || cidr.contains(address))) {
            return;
        }
        String shown = judged.getHostAddress();
        throw new RefusedTargetException((resolved ? "'" + host + "' resolves to " : "'" + host + "' is ") + shown
                + ", " + kind + "; " + advice());
    }

    private static String advice() {
        return "webhooks may only reach public addresses (an operator may allow internal ranges with "
                + "catalog.webhooks.allowed-cidrs)";
    }

    /** The URL's host, lower case, without IPv6 brackets. */
    static String hostOf(String url) throws RefusedTargetException {
        try {
            String host = hostOf(new URI(url));
            if (host == null) {
                throw new RefusedTargetException("the URL names no host");
            }
            return host;
        } catch (URISyntaxException e) {
            throw new RefusedTargetException("the URL is not valid");
        }
    }

    /**
     * The host as an HTTP client reads it, lower case, without IPv6 brackets; null when there is none. Read from
     * the authority, because {@link URI#getHost()} gives up on hosts such as {@code 0x7f.1} or {@code 127.1}, which
     * clients still connect to.
     */
    static String hostOf(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? "" : host.substring(1, end);
        } else if (host.lastIndexOf(':') >= 0) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        return host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
    }

    /** The URL's port, or its scheme's default; read from the authority like {@link #hostOf(URI)}. */
    static int portOf(String url) throws RefusedTargetException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedTargetException("the URL is not valid");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostAndPort.lastIndexOf(':');
        if (colon >= 0 && colon > hostAndPort.lastIndexOf(']') && colon < hostAndPort.length() - 1) {
            try {
                int port = Integer.parseInt(hostAndPort.substring(colon + 1));
                if (port > 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // falls through to the refusal below
            }
            throw new RefusedTargetException("the URL's port is not valid");
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The address an IP-literal host names, in any spelling a client might read it in; empty for a name. */
    private static Optional<InetAddress> literal(String host) throws RefusedTargetException {
        if (host.contains(":")) {
            try {
                return Optional.of(InetAddress.getByName("[" + host + "]")); // an IPv6 literal: no lookup
            } catch (UnknownHostException e) {
                throw new RefusedTargetException("'" + host + "' is not a valid IPv6 address");
            }
        }
        try {
            return Ipv4Literal.parse(host);
        } catch (IllegalArgumentException e) {
            throw new RefusedTargetException("'" + host + "' " + e.getMessage());
        }
    }
}
