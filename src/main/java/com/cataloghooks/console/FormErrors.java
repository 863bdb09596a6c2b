package com.cataloghooks.console;

import com.cataloghooks.common.error.ApiException;
import com.cataloghooks.common.error.FieldError;
import com.cataloghooks.common.error.Violations;
import io.quarkus.qute.TemplateData;
import jakarta.validation.ConstraintViolation;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the API would have refused in a form, for showing next to its fields: the same messages, by the same field
 * names, from the same rules (Bean Validation on the API's request records, and the services' own checks).
 */
@TemplateData
public final class FormErrors {

    private static final FormErrors NONE = new FormErrors(Map.of(), null);

    private final Map<String, String> byField;
    private final String general;

    private FormErrors(Map<String, String> byField, String general) {
        this.byField = byField;
        this.general = general;
    }

    public static FormErrors none() {
        return NONE;
    }

    public static FormErrors of(Collection<? extends ConstraintViolation<?>> violations) {
        return of(Violations.fieldErrors(violations), null);
    }

    /** A service's refusal: its field errors by field; with none, its detail for the whole form. */
    public static FormErrors of(ApiException refusal) {
        return of(refusal.errors(), refusal.errors().isEmpty() ? refusal.getMessage() : null);
    }

    public static FormErrors of(List<FieldError> errors, String general) {
        Map<String, String> byField = new LinkedHashMap<>();
        errors.forEach(error -> byField.merge(error.field(), error.message(), (a, b) -> a + "; " + b));
        return new FormErrors(byField, general);
    }

    public boolean any() {
        return !byField.isEmpty() || general != null;
    }

    /** The message for {@code field}, or null. */
    public String on(String field) {
        return byField.get(field);
    }

    public String general() {
        return general;
    }

    /** Errors on fields the form does not show, with the general message: nothing the API said is lost. */
    public List<String> otherThan(String... shown) {
        List<String> other = new java.util.ArrayList<>();
        if (general != null) {
            other.add(general);
        }
        byField.forEach((field, message) -> {
            if (!List.of(shown).contains(field)) {
                other.add(field + ": " + message);
            }
        });
        return other;
    }
}
