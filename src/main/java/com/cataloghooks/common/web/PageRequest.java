package com.cataloghooks.common.web;

/** Validated {@code limit}/{@code offset} query parameters. */
public record PageRequest(int limit, int offset) {

    public static PageRequest parse(String limit, String offset, int defaultLimit, int maxLimit) {
        return new PageRequest(
                QueryParams.intParam("limit", limit, defaultLimit, 1, maxLimit),
                QueryParams.intParam("offset", offset, 0, 0, Integer.MAX_VALUE));
    }
}
