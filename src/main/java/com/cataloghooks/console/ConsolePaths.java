package com.cataloghooks.console;

/**
 * Which paths are the console's. The console owns every path that is not the API ({@code /api}), Quarkus's own
 * endpoints ({@code /q}) or a static asset, so a new page is protected without being listed anywhere.
 */
public final class ConsolePaths {

    public static final String SIGN_IN = "/login";
    public static final String SIGN_OUT = "/logout";

    private ConsolePaths() {
    }

    public static boolean isConsole(String path) {
        return !(path.equals("/api") || path.startsWith("/api/") || path.startsWith("/q/")
                || path.startsWith("/webjars/") || path.startsWith("/assets/") || path.equals("/favicon.ico"));
    }
}
