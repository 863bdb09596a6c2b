package com.cataloghooks.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds JSON objects for request bodies; unlike {@code Map.of} it keeps order and allows null values. */
public final class Json {

    private Json() {
    }

    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
