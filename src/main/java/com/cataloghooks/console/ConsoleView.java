package com.cataloghooks.console;

import com.cataloghooks.console.session.ConsoleCaller;
import com.cataloghooks.console.session.ConsoleSessionIdentityProvider;
import com.cataloghooks.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * What every console page needs to know about the person looking at it, as {@code {inject:console.*}} in
 * templates: who they are, which buttons to show (the same roles the API checks; a hidden button is a courtesy, the
 * check on the action is the rule) and the CSRF token their requests must carry.
 */
@Named("console")
@RequestScoped
public class ConsoleView {

    private final SecurityIdentity identity;

    public ConsoleView(SecurityIdentity identity) {
        this.identity = identity;
    }

    public String who() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    public boolean signedIn() {
        return !identity.isAnonymous();
    }

    public boolean canWrite() {
        return identity.hasRole(Roles.WRITER);
    }

    public boolean canAdmin() {
        return identity.hasRole(Roles.WEBHOOK_ADMIN);
    }

    public String roles() {
        return String.join(", ", new java.util.TreeSet<>(identity.getRoles()));
    }

    public String csrf() {
        ConsoleCaller caller = identity.getAttribute(ConsoleSessionIdentityProvider.CALLER);
        return caller == null ? "" : caller.csrfToken();
    }
}
