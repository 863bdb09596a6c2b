package com.cataloghooks.webhook.filter;

/**
 * A webhook filter that {@link PayloadFilter#parse} refuses. Thrown when a webhook is created or updated, so the
 * caller answers 400 then, rather than meeting a filter it cannot evaluate at delivery time.
 * <p>
 * The message reads {@code <location>: <problem>}, e.g. {@code filter.price.$gt: must be a number or a string};
 * {@link #location()} and {@link #problem()} give the two halves for a problem+json {@code errors[{field, message}]}.
 */
public class InvalidFilterException extends RuntimeException {

    private final String location;
    private final String problem;

    public InvalidFilterException(String location, String problem) {
        // a client error, not a fault: no stack trace to fill
        super(location + ": " + problem, null, false, false);
        this.location = location;
        this.problem = problem;
    }

    /** Where in the filter document the problem is, e.g. {@code filter.$or[1].price.$gt}. */
    public String location() {
        return location;
    }

    /** What is wrong there, e.g. {@code must be a number or a string}. */
    public String problem() {
        return problem;
    }
}
