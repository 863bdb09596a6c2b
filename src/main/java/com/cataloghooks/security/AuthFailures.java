package com.cataloghooks.security;

import com.cataloghooks.common.config.CatalogConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.spi.runtime.AuthenticationFailureEvent;
import io.quarkus.security.spi.runtime.AuthorizationFailureEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts every refused request ({@code catalog_auth_failures_total}, tagged {@code reason}: {@code bad-credential},
 * {@code no-credential}, {@code forbidden}) and logs them at WARN at most once per {@code failure-log-interval},
 * with how many were refused since: a brute-force attempt shows in the log without flooding it. The credential
 * itself is never logged.
 */
@ApplicationScoped
public class AuthFailures {

    private static final Logger LOG = Logger.getLogger(AuthFailures.class);

    private final MeterRegistry registry;
    private final long intervalNanos;
    private final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());
    private final AtomicLong unlogged = new AtomicLong();

    public AuthFailures(MeterRegistry registry, CatalogConfig config) {
        this.registry = registry;
        this.intervalNanos = config.security().failureLogInterval().toNanos();
    }

    void authenticationFailed(@Observes AuthenticationFailureEvent event) {
        refused("bad-credential", "a request with an invalid credential was refused");
    }

    void authorizationFailed(@Observes AuthorizationFailureEvent event) {
        if (event.getSecurityIdentity() == null || event.getSecurityIdentity().isAnonymous()) {
            refused("no-credential", "a request without a credential was refused");
        } else {
            refused("forbidden", "'" + event.getSecurityIdentity().getPrincipal().getName()
                    + "' was refused a request its roles do not allow");
        }
    }

    private void refused(String reason, String what) {
        registry.counter("catalog.auth.failures", "reason", reason).increment();
        unlogged.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLogAt.get();
        if (now - due >= 0 && nextLogAt.compareAndSet(due, now + intervalNanos)) {
            long refused = unlogged.getAndSet(0);
            LOG.warnf("%s (%d refused since the last such line; next line in %d s at the earliest)", what,
                    refused, intervalNanos / 1_000_000_000L);
        }
    }
}
