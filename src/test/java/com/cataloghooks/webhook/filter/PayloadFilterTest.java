package com.cataloghooks.webhook.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filter alone: which events' data it passes, and which filter documents it refuses, and with what message. */
class PayloadFilterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String EVENT = """
            {"name": "Lamp", "price": 25, "weight": 1.0, "active": true, "discontinued": null,
             "tags": ["new", "sale"], "codes": [3, 7],
             "product": {"sku": "A-1", "stock": {"count": 0}},
             "updatedAt": "2024-05-01T10:00:00Z"}
            """;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # equality, numbers by value, never a number against a string
            {"name": "Lamp"}                                     | true
            {"name": "Desk"}                                     | false
            {"price": 25}                                        | true
            {"price": 25.0}                                      | true
            {"weight": 1}                                        | true
            {"price": "25"}                                      | false
            {"active": true}                                     | true
            {"active": false}                                    | false
            {"discontinued": null}                               | true
            {"name": null}                                       | false
            # an array field equals a scalar it contains
            {"tags": "sale"}                                     | true
            {"tags": "old"}                                      | false
            {"codes": 7.0}                                       | true
            # dotted paths; a path through a scalar names a missing field
            {"product.sku": "A-1"}                               | true
            {"product.sku": "B-2"}                               | false
            {"product.stock.count": 0}                           | true
            {"name.first": "L"}                                  | false
            # $eq and $ne
            {"price": {"$eq": 25}}                               | true
            {"price": {"$eq": 26}}                               | false
            {"price": {"$ne": 26}}                               | true
            {"price": {"$ne": 25.0}}                             | false
            {"tags": {"$ne": "old"}}                             | true
            {"tags": {"$ne": "sale"}}                            | false
            # $in and $nin
            {"name": {"$in": ["Desk", "Lamp"]}}                  | true
            {"name": {"$in": ["Desk"]}}                          | false
            {"price": {"$in": [1, 25.0]}}                        | true
            {"tags": {"$in": ["old", "sale"]}}                   | true
            {"name": {"$nin": ["Desk"]}}                         | true
            {"name": {"$nin": ["Desk", "Lamp"]}}                 | false
            {"tags": {"$nin": ["sale"]}}                         | false
            # comparisons: numbers, strings (ISO-8601), arrays by any element, nothing across types
            {"price": {"$gt": 24}}                               | true
            {"price": {"$gt": 25}}                               | false
            {"price": {"$gte": 25}}                              | true
            {"price": {"$gte": 25.5}}                            | false
            {"price": {"$lt": 26}}                               | true
            {"price": {"$lt": 25}}                               | false
            {"price": {"$lte": 25.0}}                            | true
            {"price": {"$lte": 24}}                              | false
            {"price": {"$gt": 10, "$lte": 100}}                  | true
            {"price": {"$gt": 10, "$lte": 20}}                   | false
            {"name": {"$gt": "Desk"}}                            | true
            {"name": {"$lt": "Desk"}}                            | false
            {"updatedAt": {"$gte": "2024-05-01T00:00:00Z"}}      | true
            {"updatedAt": {"$lt": "2024-01-01T00:00:00Z"}}       | false
            {"codes": {"$gt": 5}}                                | true
            {"codes": {"$gt": 7}}                                | false
            {"price": {"$gt": "10"}}                             | false
            {"name": {"$lt": 100}}                               | false
            {"active": {"$gte": 0}}                              | false
            # $exists: a JSON null exists
            {"name": {"$exists": true}}                          | true
            {"name": {"$exists": false}}                         | false
            {"discontinued": {"$exists": true}}                  | true
            {"product.stock.count": {"$exists": true}}           | true
            {"product.colour": {"$exists": true}}                | false
            {"product.colour": {"$exists": false}}               | true
            # a missing field: only $ne, $nin and $exists false hold
            {"missing": "x"}                                     | false
            {"missing": null}                                    | false
            {"missing": {"$eq": null}}                           | false
            {"missing": {"$in": [null, "x"]}}                    | false
            {"missing": {"$gt": 0}}                              | false
            {"missing": {"$lte": "z"}}                           | false
            {"missing": {"$ne": "x"}}                            | true
            {"missing": {"$nin": ["x"]}}                         | true
            # implicit AND, $and, $or, nesting
            {}                                                   | true
            {"name": "Lamp", "price": 25}                        | true
            {"name": "Lamp", "price": 26}                        | false
            {"$and": [{"name": "Lamp"}, {"active": true}]}       | true
            {"$and": [{"name": "Lamp"}, {"active": false}]}      | false
            {"$or": [{"name": "Desk"}, {"price": {"$gt": 5}}]}   | true
            {"$or": [{"name": "Desk"}, {"price": {"$gt": 50}}]}  | false
            {"active": true, "$or": [{"name": "Desk"}, {"name": "Lamp"}]}  | true
            {"active": false, "$or": [{"name": "Desk"}, {"name": "Lamp"}]} | false
            {"$or": [{"$and": [{"name": "Lamp"}, {"active": false}]}, {"$and": [{"tags": "sale"}, {"product.sku": "A-1"}]}]} | true
            {"$or": [{"$and": [{"name": "Lamp"}, {"active": false}]}, {"$and": [{"tags": "sale"}, {"product.sku": "B-2"}]}]} | false
            {"$and": [{"$or": [{"price": {"$lt": 10}}, {"tags": {"$in": ["sale"]}}]}, {"updatedAt": {"$gt": "2024"}}]} | true
            """)
    void decidesAgainstOneEvent(String filter, boolean expected) {
        assertEquals(expected, PayloadFilter.parse(json(filter)).matches(json(EVENT)));
    }

    @ParameterizedTest(name = "data {0}")
    @ValueSource(strings = {"null", "[1, 2]", "\"text\"", "7"})
    void dataThatIsNoObjectHasOnlyMissingFields(String data) {
        JsonNode node = json(data);
        assertTrue(matches("{}", node));
        assertTrue(matches("{\"a\": {\"$ne\": 1}}", node));
        assertTrue(matches("{\"a\": {\"$nin\": [1]}}", node));
        assertTrue(matches("{\"a\": {\"$exists\": false}}", node));
        assertFalse(matches("{\"a\": {\"$exists\": true}}", node));
        assertFalse(matches("{\"a\": null}", node));
        assertFalse(matches("{\"a\": {\"$gte\": 0}}", node));
    }

    @Test
    void javaNullDataHasOnlyMissingFields() {
        assertTrue(matches("{\"a\": {\"$ne\": 1}}", null));
        assertFalse(matches("{\"a\": 1}", null));
    }

    @Test
    void aPathStopsAtAnArray() {
        JsonNode data = json("{\"items\": [{\"sku\": \"A-1\"}]}");
        assertFalse(matches("{\"items.sku\": \"A-1\"}", data));
        assertTrue(matches("{\"items.sku\": {\"$exists\": false}}", data));
    }

    @Test
    void largeAndPreciseNumbersCompareByValue() {
        JsonNode data = json("{\"id\": 12345678901234567890, \"ratio\": 0.1}");
        assertTrue(matches("{\"id\": 12345678901234567890}", data));
        assertFalse(matches("{\"id\": 12345678901234567891}", data));
        assertTrue(matches("{\"id\": {\"$gt\": 12345678901234567889}}", data));
        assertTrue(matches("{\"ratio\": 0.10}", data));
    }

    @Test
    void nonFiniteNumbersInDataNeverFailAnEvaluation() {
        ObjectMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        JsonNode data = read(lenient, "{\"big\": Infinity, \"odd\": NaN}");
        assertTrue(matches("{\"big\": {\"$gt\": 1e300}}", data));
        assertFalse(matches("{\"big\": 1}", data));
        assertFalse(matches("{\"odd\": {\"$gte\": 0}}", data));
        assertFalse(matches("{\"odd\": {\"$lt\": 0}}", data));
    }

    @Test
    void nonFiniteNumbersInAFilterAreRefused() {
        ObjectMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(read(lenient, "{\"a\": {\"$gt\": NaN}}")));
        assertEquals("filter.a.$gt: must be a finite number", e.getMessage());
    }

    @Test
    void oneParsedFilterServesManyThreads() {
        PayloadFilter filter = PayloadFilter.parse(json("{\"$or\": [{\"n\": {\"$lt\": 500}}, {\"tags\": \"x\"}]}"));
        long passed = IntStream.range(0, 10_000).parallel()
                .filter(n -> filter.matches(json("{\"n\": " + n + "}")))
                .count();
        assertEquals(500, passed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # the root
            []                                               | filter: must be a JSON object
            "filter"                                         | filter: must be a JSON object
            null                                             | filter: must be a JSON object
            # unknown operators, at either level
            {"$nor": [{"a": 1}]}                             | filter.$nor: unknown operator (supported here: $and, $or
            {"$gt": 1}                                       | filter.$gt: unknown operator (supported here: $and, $or
            {"name": {"$regex": "^L"}}                       | filter.name.$regex: unknown operator (supported: $eq, $ne, $in, $nin, $gt, $gte, $lt, $lte, $exists)
            {"price": {"$or": [{"a": 1}]}}                   | filter.price.$or: unknown operator (supported: $eq
            {"$or": [{"a": {"$between": [1, 2]}}]}           | filter.$or[0].a.$between: unknown operator
            # operator arguments of the wrong type
            {"price": {"$gt": true}}                         | filter.price.$gt: must be a number or a string
            {"price": {"$gte": null}}                        | filter.price.$gte: must be a number or a string
            {"price": {"$lt": [1]}}                          | filter.price.$lt: must be a number or a string
            {"price": {"$lte": {"a": 1}}}                    | filter.price.$lte: must be a number or a string
            {"price": {"$eq": [1]}}                          | filter.price.$eq: must be a string, a number, a boolean or null
            {"price": {"$ne": {"a": 1}}}                     | filter.price.$ne: must be a string, a number, a boolean or null
            {"sku": {"$in": "A-1"}}                          | filter.sku.$in: must be a non-empty array of strings, numbers, booleans or nulls
            {"sku": {"$in": []}}                             | filter.sku.$in: must be a non-empty array
            {"sku": {"$nin": ["A-1", {"b": 1}]}}             | filter.sku.$nin[1]: must be a string, a number, a boolean or null
            {"sku": {"$in": [["A-1"]]}}                      | filter.sku.$in[0]: must be a string, a number, a boolean or null
            {"sku": {"$exists": "yes"}}                      | filter.sku.$exists: must be true or false
            {"sku": {"$exists": 1}}                          | filter.sku.$exists: must be true or false
            # equality values that are not scalars
            {"product": {"sku": "A-1"}}                      | filter.product: a nested object is not an equality value; use a dotted path or an operator object
            {"product": {}}                                  | filter.product: a nested object is not an equality value
            {"product": {"$exists": true, "sku": "A-1"}}     | filter.product.sku: an operator object holds only operators; use a dotted path ("product.sku")
            {"tags": ["sale"]}                               | filter.tags: an array is not an equality value; use {"$in": [...]}
            # $and and $or
            {"$or": []}                                      | filter.$or: must be a non-empty array of objects
            {"$and": {"a": 1}}                               | filter.$and: must be a non-empty array of objects
            {"$or": "a"}                                     | filter.$or: must be a non-empty array of objects
            {"$or": [{}]}                                    | filter.$or[0]: must be a non-empty object
            {"$and": [{"a": 1}, 3]}                          | filter.$and[1]: must be a non-empty object
            {"$or": [{"a": 1}, {"$and": [{"b": {"$gt": false}}]}]} | filter.$or[1].$and[0].b.$gt: must be a number or a string
            # field names and paths
            {"": 1}                                          | filter."": field name must not be empty
            {"a..b": 1}                                      | filter.a..b: field path has an empty segment
            {".a": 1}                                        | filter..a: field path has an empty segment
            {"a.": {"$gt": 1}}                               | filter.a.: field path has an empty segment
            {"$or": [{"x": 1}, {"b.": 1}]}                   | filter.$or[1].b.: field path has an empty segment
            """)
    void refusesWithLocation(String filter, String expectedMessageStart) {
        InvalidFilterException e = assertThrows(InvalidFilterException.class, () -> PayloadFilter.parse(json(filter)));
        assertTrue(e.getMessage().startsWith(expectedMessageStart),
                () -> "message was: " + e.getMessage());
    }

    @Test
    void refusesAJavaNull() {
        InvalidFilterException e = assertThrows(InvalidFilterException.class, () -> PayloadFilter.parse(null));
        assertEquals("filter: must be a JSON object", e.getMessage());
    }

    @Test
    void theExceptionGivesLocationAndProblemApart() {
        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json("{\"price\": {\"$gt\": true}}")));
        assertEquals("filter.price.$gt", e.location());
        assertEquals("must be a number or a string", e.problem());
        assertEquals("filter.price.$gt: must be a number or a string", e.getMessage());
    }

    @Test
    void depthUpToTheLimitIsAccepted() {
        // the root and seven $and entries: eight objects deep
        assertTrue(matches(nestedAnd(PayloadFilter.MAX_DEPTH - 1, "{\"a\": 1}"), json("{\"a\": 1}")));
        // an operator object is a level too
        assertTrue(matches(nestedAnd(PayloadFilter.MAX_DEPTH - 2, "{\"a\": {\"$gt\": 0}}"), json("{\"a\": 1}")));
    }

    @Test
    void depthBeyondTheLimitIsRefused() {
        String location = "filter" + ".$and[0]".repeat(PayloadFilter.MAX_DEPTH);
        InvalidFilterException tooDeep = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json(nestedAnd(PayloadFilter.MAX_DEPTH, "{\"a\": 1}"))));
        assertEquals(location + ": objects nest more than 8 deep", tooDeep.getMessage());

        String operatorLocation = "filter" + ".$and[0]".repeat(PayloadFilter.MAX_DEPTH - 1) + ".a";
        InvalidFilterException operatorTooDeep = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json(nestedAnd(PayloadFilter.MAX_DEPTH - 1, "{\"a\": {\"$gt\": 0}}"))));
        assertEquals(operatorLocation + ": objects nest more than 8 deep", operatorTooDeep.getMessage());
    }

    @Test
    void conditionsUpToTheLimitAreAccepted() {
        PayloadFilter filter = PayloadFilter.parse(json(fields(PayloadFilter.MAX_CONDITIONS)));
        assertTrue(filter.matches(json("{}")));
    }

    @Test
    void conditionsBeyondTheLimitAreRefused() {
        InvalidFilterException manyFields = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json(fields(PayloadFilter.MAX_CONDITIONS + 1))));
        assertEquals("filter.f64.$exists: the filter has more than 64 conditions", manyFields.getMessage());

        // every operator counts, and so does every branch of an $or
        String spread = "{\"$or\": [" + fields(32) + ", {\"p\": {\"$gt\": 1, \"$lt\": 9}}, " + fields(31) + "]}";
        InvalidFilterException spreadOut = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json(spread)));
        assertEquals("filter.$or[2].f30.$exists: the filter has more than 64 conditions", spreadOut.getMessage());
    }

    @Test
    void pathSegmentsAreLimited() {
        String longest = IntStream.range(0, PayloadFilter.MAX_PATH_SEGMENTS).mapToObj(i -> "s" + i)
                .collect(Collectors.joining("."));
        PayloadFilter.parse(json("{\"" + longest + "\": {\"$exists\": false}}"));

        String tooLong = longest + ".more";
        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json("{\"" + tooLong + "\": 1}")));
        assertEquals("filter." + tooLong + ": field path has more than 16 segments", e.getMessage());
    }

    @Test
    void listValuesAreLimited() {
        assertTrue(matches("{\"n\": {\"$in\": " + numbers(PayloadFilter.MAX_LIST_VALUES) + "}}", json("{\"n\": 255}")));

        InvalidFilterException e = assertThrows(InvalidFilterException.class,
                () -> PayloadFilter.parse(json("{\"n\": {\"$nin\": " + numbers(PayloadFilter.MAX_LIST_VALUES + 1)
                        + "}}")));
        assertEquals("filter.n.$nin: must hold at most 256 values", e.getMessage());
    }

    private static boolean matches(String filter, JsonNode data) {
        return PayloadFilter.parse(json(filter)).matches(data);
    }

    /** {@code inner} wrapped in {@code levels} single-entry {@code $and}s. */
    private static String nestedAnd(int levels, String inner) {
        return "{\"$and\": [".repeat(levels) + inner + "]}".repeat(levels);
    }

    /** {@code {"f0": {"$exists": false}, "f1": ...}}: {@code count} conditions, all true for empty data. */
    private static String fields(int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"f" + i + "\": {\"$exists\": false}")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    private static JsonNode json(String text) {
        return read(MAPPER, text);
    }

    private static JsonNode read(ObjectMapper mapper, String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
