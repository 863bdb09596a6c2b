package com.cataloghooks.security;

import java.util.Set;

/** A configured API key as the service knows it: its name and roles, never the key itself. */
record ApiKey(String name, Set<String> roles) {
}
