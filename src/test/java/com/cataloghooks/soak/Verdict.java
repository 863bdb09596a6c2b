package com.cataloghooks.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of the soak's table: what was checked, how many cases, how many violated it, and a few examples (ids) of
 * the violations. An informational line ({@code counts=false}) shows a number the run must not fail on, such as
 * duplicates, which at-least-once delivery allows.
 */
final class Verdict {

    private static final int EXAMPLES = 5;

    final String invariant;
    final String check;
    final boolean counts;
    long checked;
    long violations;
    final List<String> examples = new ArrayList<>();
    String note = "";

    private Verdict(String invariant, String check, boolean counts) {
        this.invariant = invariant;
        this.check = check;
        this.counts = counts;
    }

    static Verdict of(String invariant, String check) {
        return new Verdict(invariant, check, true);
    }

    static Verdict info(String invariant, String check) {
        return new Verdict(invariant, check, false);
    }

    void pass() {
        checked++;
    }

    void fail(String example) {
        checked++;
        violations++;
        if (examples.size() < EXAMPLES) {
            examples.add(example);
        }
    }

    Verdict note(String text) {
        note = text;
        return this;
    }

    boolean violated() {
        return counts && violations > 0;
    }
}
