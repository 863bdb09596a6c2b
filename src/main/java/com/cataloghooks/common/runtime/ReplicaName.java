package com.cataloghooks.common.runtime;

import java.util.UUID;

/** Identifies this process as a lease owner: the pod name where there is one, plus a per-start suffix. */
public final class ReplicaName {

    private ReplicaName() {
    }

    public static String get() {
        String host = System.getenv("HOSTNAME");
        String prefix = host == null || host.isBlank() ? "replica" : host;
        if (prefix.length() > 40) {
            prefix = prefix.substring(0, 40);
        }
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
