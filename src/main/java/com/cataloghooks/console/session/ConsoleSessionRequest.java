package com.cataloghooks.console.session;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A console request carrying a session cookie that opened: the session id, still to be looked up. */
final class ConsoleSessionRequest extends BaseAuthenticationRequest {

    private final String sessionId;

    ConsoleSessionRequest(String sessionId) {
        this.sessionId = sessionId;
    }

    String sessionId() {
        return sessionId;
    }
}
