package com.cataloghooks.console.session;

import java.time.Instant;
import java.util.Set;

/** A signed-in console user as the session row knows them: never a credential, only who, what roles, until when. */
public record ConsoleCaller(String principal, Set<String> roles, String credential, String credentialRef,
                            String csrfToken, Instant expiresAt) {
}
