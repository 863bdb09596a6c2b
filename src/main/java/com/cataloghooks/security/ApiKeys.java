package com.cataloghooks.security;

import com.cataloghooks.common.config.CatalogConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The API keys of {@code catalog.security.api-keys}. Each entry is {@code <name>:<sha256 hex>:<role>[+<role>...]}:
 * only the SHA-256 of a key is configured, so the configuration (and a leaked copy of it) cannot be used to call
 * the API. Keys are long random strings, so one unsalted SHA-256 is enough (no password-style stretching needed,
 * and none spent on every request).
 */
@ApplicationScoped
public class ApiKeys {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Map<String, ApiKey> byHash;

    @Inject
    public ApiKeys(CatalogConfig config) {
        this(config.security().apiKeys().orElse(List.of()));
    }

    ApiKeys(List<String> entries) {
        this.byHash = parse(entries);
    }

    /** The key's name and roles, if the key is configured. */
    Optional<ApiKey> find(String key) {
        return Optional.ofNullable(byHash.get(sha256Hex(key)));
    }

    /**
     * The roles of the key whose SHA-256 is {@code fingerprint}, while that key is configured: a console session
     * opened with a key ends when the key is removed or replaced.
     */
    public Optional<Set<String>> rolesOf(String fingerprint) {
        return Optional.ofNullable(byHash.get(fingerprint)).map(ApiKey::roles);
    }

    /** What the configuration holds for a key (its SHA-256, hex), so a session can name the key without keeping it. */
    public static String fingerprint(String key) {
        return sha256Hex(key);
    }

    boolean isEmpty() {
        return byHash.isEmpty();
    }

    static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Refuses the whole list on the first bad entry, naming it by position and name (never echoing a hash). */
    static Map<String, ApiKey> parse(List<String> entries) {
        Map<String, ApiKey> byHash = new TreeMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":", -1);
            String where = "catalog.security.api-keys entry " + (i + 1);
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + " must be <name>:<sha256 hex>:<role>[+<role>...]");
            }
            String name = parts[0];
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": the name must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            where += " ('" + name + "')";
            String hash = parts[1].toLowerCase(java.util.Locale.ROOT);
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException(where + ": the second part must be the key's SHA-256 in hex "
                        + "(64 characters; scripts/new-api-key prints it)");
            }
            Set<String> roles = new LinkedHashSet<>(Arrays.asList(parts[2].split("\\+")));
            if (roles.isEmpty() || !Roles.ALL.containsAll(roles)) {
                throw new IllegalArgumentException(where + ": roles must be among " + new java.util.TreeSet<>(Roles.ALL) + ", joined by '+'");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": the name is used twice");
            }
            if (byHash.put(hash, new ApiKey(name, Set.copyOf(roles))) != null) {
                throw new IllegalArgumentException(where + ": the same key is configured twice");
            }
        }
        return Map.copyOf(byHash);
    }
}
