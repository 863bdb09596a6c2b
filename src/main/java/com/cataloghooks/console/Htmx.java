package com.cataloghooks.console;

import jakarta.ws.rs.core.Response;

/** The answers and form values every console page deals in the same way. */
public final class Htmx {

    private Htmx() {
    }

    /** After a successful form: htmx loads {@code page} as a full navigation (history and all). */
    public static Response redirect(String page) {
        return Response.ok().header("HX-Redirect", page).build();
    }

    /** A checkbox as a form sends it: present ({@code true} or {@code on}) when ticked, absent otherwise. */
    public static boolean checked(String value) {
        return "true".equals(value) || "on".equals(value);
    }
}
