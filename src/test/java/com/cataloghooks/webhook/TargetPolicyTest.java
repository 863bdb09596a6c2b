package com.cataloghooks.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The address rules alone, with a resolver that answers from a table instead of DNS. */
class TargetPolicyTest {

    private static final Map<String, String> DNS = Map.of(
            "public.example", "93.184.215.14",
            "inside.example", "10.1.2.3",
            "mixed.example", "93.184.215.14,127.0.0.1",
            "mapped.example", "::ffff:169.254.169.254",
            "pod.example", "10.20.30.40");

    private final HostResolver table = new HostResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            String answer = DNS.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            String[] parts = answer.split(",");
            InetAddress[] addresses = new InetAddress[parts.length];
            for (int i = 0; i < parts.length; i++) {
                addresses[i] = InetAddress.getByName(parts[i]);
            }
            return addresses;
        }
    };

    private final TargetPolicy strict = new TargetPolicy(false, List.of(), table);

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://localhost./", "http://localhost/",
            "http://api.localhost/", "http://LOCALHOST:8080/", "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[::1]/",
            "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://0/",
            "http://255.255.255.255/", "http://224.0.0.1/", "http://[ff02::1]/", "http://[::]/",
            "http://[64:ff9b::a00:1]/", "http://[2002:7f00:1::]/", "http://[::127.0.0.1]/",
            "https://inside.example/hook", "https://mixed.example/", "https://mapped.example/"})
    void internalTargetsAreRefusedInEverySpelling(String url) {
        String problem = strict.problemWith(url);
        assertTrue(problem != null && problem.contains("webhooks may only reach public addresses"),
                url + " -> " + problem);
    }

    @Test
    void theProblemSaysWhatTheAddressIs() {
        assertEquals("'0x7f.1' is 127.0.0.1, a loopback address; webhooks may only reach public addresses (an operator "
                + "may allow internal ranges with catalog.webhooks.allowed-cidrs)", strict.problemWith("http://0x7f.1/"));
        assertTrue(strict.problemWith("http://[::ffff:169.254.169.254]/").startsWith(
                "'::ffff:169.254.169.254' is 169.254.169.254, a link-local address"));
        assertTrue(strict.problemWith("https://inside.example/").startsWith(
                "'inside.example' resolves to 10.1.2.3, a private (RFC 1918) address"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://public.example/hook", "http://93.184.215.14/", "http://1.1.1.1:8080/x",
            "http://[2606:4700::1111]/", "https://does-not-resolve.example/"})
    void publicTargetsAndUnresolvableNamesAreAccepted(String url) {
        assertNull(strict.problemWith(url), url);
    }

    @Test
    void aSendConnectsToTheAddressThatWasChecked() throws Exception {
        assertEquals(new java.net.InetSocketAddress(InetAddress.getByName("93.184.215.14"), 443),
                strict.pin("https://public.example/hook"));
        assertEquals(new java.net.InetSocketAddress(InetAddress.getByName("8.8.8.8"), 8080),
                strict.pin("http://134744072:8080/"), "an odd spelling keeps its port");
        assertEquals(80, strict.pin("http://[2606:4700::1111]/").getPort());
        assertThrows(RefusedTargetException.class, () -> strict.pin("https://mixed.example/"));
        assertThrows(UnknownHostException.class, () -> strict.pin("https://does-not-resolve.example/"));
    }

    @Test
    void allowedCidrsLetChosenInternalRangesThrough() throws Exception {
        TargetPolicy cluster = new TargetPolicy(false, List.of("10.20.0.0/16", "fd00::/8"), table);
        assertEquals(new java.net.InetSocketAddress(InetAddress.getByName("10.20.30.40"), 8080),
                cluster.pin("http://pod.example:8080/"));
        assertNull(cluster.problemWith("http://[fd00::5]/"));
        assertTrue(cluster.problemWith("http://10.21.0.1/") != null, "outside the allowed range");
        assertTrue(cluster.problemWith("http://127.0.0.1/") != null, "loopback stays refused");
    }

    @Test
    void allowingPrivateTargetsAllowsEverything() {
        TargetPolicy open = new TargetPolicy(true, List.of(), table);
        assertTrue(open.allowsEverything());
        assertNull(open.problemWith("http://127.0.0.1:8080/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "host.example/8", "10.0.0.0/x"})
    void aBadAllowedCidrIsRefusedAtStartup(String cidr) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TargetPolicy(false, List.of(cidr), table));
        assertTrue(e.getMessage().startsWith("catalog.webhooks.allowed-cidrs: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://1.2.3.256/", "http://0x100.1.1.1/", "http://1.2.3.4.5/"})
    void malformedIpv4LiteralsAreRefused(String url) {
        assertTrue(strict.problemWith(url).contains("is not a valid IPv4 address"), url);
    }
}
