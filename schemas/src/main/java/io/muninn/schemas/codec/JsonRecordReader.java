package io.muninn.schemas.codec;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reads a JSON object with the schema's own field names into a generated record. The mapping is the obvious one, not
 * Avro's JSON encoding (which wraps union values in {@code {"type": value}}):
 * <ul>
 *   <li>a record is an object; a field left out takes its schema default, and one without a default is required;
 *   <li>a field the schema does not have, or one given twice, is rejected: JSON is typed by people, and a misspelt
 *       field must not silently fall back to its default;
 *   <li>a {@code ["null", T]} union is {@code null} or a T; {@code null} is accepted nowhere else;
 *   <li>int and long are JSON integers in range ({@code 2.0} and {@code 2e3} are fine, {@code 2.5} is not); float and
 *       double are numbers or the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"};
 *   <li>an enum is its symbol; bytes are a base64 string; an array is an array; a map is an object.
 * </ul>
 * Parsing is strict RFC 8259 (no comments, single quotes or NaN literals) and streams over the schema, so the nesting
 * it follows is the schema's, however deep the input nests. Instances are immutable and thread-safe.
 */
public final class JsonRecordReader<T extends SpecificRecord> {
    private final Class<T> type;
    private final Schema schema;
    private final SpecificData data;

    /** Top-level fields without a default that may be left out: they are then null, for the caller to decide. */
    private final Set<String> callerChecked;

    public JsonRecordReader(Class<T> type) {
        this(type, Set.of());
    }

    /**
     * A reader that leaves the top-level fields {@code callerChecked} null when the JSON leaves them out, although
     * they have no default, instead of rejecting the record: the caller then sets them or rejects the record
     * (a PromptRequest cancel needs no {@code input}). Such a record must not be serialized before they are set.
     */
    public JsonRecordReader(Class<T> type, Set<String> callerChecked) {
        this.type = type;
        this.data = new SpecificData(type.getClassLoader());
        this.schema = data.getSchema(type);
        this.callerChecked = Set.copyOf(callerChecked);
        JsonSchemas.requireSupported(schema);
        for (String name : callerChecked) {
            if (schema.getField(name) == null) {
                throw new IllegalArgumentException("no top-level field " + name + " in " + schema.getName());
            }
        }
    }

    /**
     * The record that {@code json} describes.
     *
     * @throws RejectionException naming the offending field (dotted path) for a wrong type, unknown, duplicate or
     *                            missing field, or {@code payload} for text that is not one JSON object
     */
    public T read(String json) throws RejectionException {
        JsonReader in = new JsonReader(new StringReader(json));
        in.setStrictness(Strictness.STRICT);
        try {
            if (in.peek() != JsonToken.BEGIN_OBJECT) {
                throw new RejectionException(Rejection.PAYLOAD, "payload must be a JSON object but was %s",
                        found(in));
            }
            Object record = record(in, schema, "");
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new RejectionException(Rejection.PAYLOAD,
                        "payload must hold one JSON object but more follows it at %s", location(in));
            }
            return type.cast(record);
        } catch (IOException | IllegalStateException e) {
            throw new RejectionException(Rejection.PAYLOAD, "payload is not valid JSON: %s", syntax(e));
        }
    }

    private Object value(JsonReader in, Schema s, String path) throws IOException, RejectionException {
        return switch (s.getType()) {
            case UNION -> {
                if (in.peek() == JsonToken.NULL) {
                    in.nextNull();
                    yield null;
                }
                yield value(in, JsonSchemas.nonNull(s), path);
            }
            case RECORD -> {
                expect(in, JsonToken.BEGIN_OBJECT, path, "an object");
                yield record(in, s, path);
            }
            case STRING -> {
                expect(in, JsonToken.STRING, path, "a string");
                yield in.nextString();
            }
            case BOOLEAN -> {
                expect(in, JsonToken.BOOLEAN, path, "true or false");
                yield in.nextBoolean();
            }
            case INT -> intValue(in, path);
            case LONG -> longValue(in, path);
            case FLOAT -> (float) number(in, path);
            case DOUBLE -> number(in, path);
            case ENUM -> {
                expect(in, JsonToken.STRING, path, "one of " + s.getEnumSymbols());
                String symbol = in.nextString();
                if (!s.hasEnumSymbol(symbol)) {
                    throw new RejectionException(path, "%s must be one of %s but was %s", path, s.getEnumSymbols(),
                            Shown.quoted(symbol));
                }
                yield data.createEnum(symbol, s);
            }
            case BYTES -> {
                expect(in, JsonToken.STRING, path, "a base64 string");
                String text = in.nextString();
                try {
                    yield ByteBuffer.wrap(Base64.getDecoder().decode(text));
                } catch (IllegalArgumentException e) {
                    throw new RejectionException(path, "%s must be a base64 string but was %s", path,
                            Shown.quoted(text));
                }
            }
            case ARRAY -> {
                expect(in, JsonToken.BEGIN_ARRAY, path, "an array");
                List<Object> items = new ArrayList<>();
                in.beginArray();
                while (in.hasNext()) {
                    items.add(value(in, s.getElementType(), path + "[" + items.size() + "]"));
                }
                in.endArray();
                yield items;
            }
            case MAP -> {
                expect(in, JsonToken.BEGIN_OBJECT, path, "an object");
                Map<String, Object> entries = new LinkedHashMap<>();
                in.beginObject();
                while (in.hasNext()) {
                    String key = in.nextName();
                    String entryPath = path + "[" + key + "]";
                    if (entries.containsKey(key)) {
                        throw new RejectionException(entryPath, "%s appears twice", entryPath);
                    }
                    entries.put(key, value(in, s.getValueType(), entryPath));
                }
                in.endObject();
                yield entries;
            }
            default -> throw new IllegalStateException("unsupported type " + s.getType() + " at " + path);
        };
    }

    private Object record(JsonReader in, Schema s, String path) throws IOException, RejectionException {
        SpecificRecordBase record = (SpecificRecordBase) data.newRecord(null, s);
        Set<String> seen = new HashSet<>();
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            Schema.Field field = s.getField(name);
            if (field == null) {
                throw new RejectionException(fieldPath, "%s is not a field of %s, which has %s", fieldPath,
                        s.getName(), fieldNames(s));
            }
            if (!seen.add(name)) {
                throw new RejectionException(fieldPath, "%s appears twice", fieldPath);
            }
            record.put(field.pos(), value(in, field.schema(), fieldPath));
        }
        in.endObject();
        for (Schema.Field field : s.getFields()) {
            if (!seen.contains(field.name())) {
                String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
                if (!field.hasDefaultValue() && path.isEmpty() && callerChecked.contains(field.name())) {
                    continue; // left null: the caller sets it or rejects the record
                }
                if (!field.hasDefaultValue()) {
                    throw new RejectionException(fieldPath, "%s is missing; it is required (it has no default)",
                            fieldPath);
                }
                // A copy: the default value object is cached and shared by Avro.
                record.put(field.pos(), data.deepCopy(field.schema(), data.getDefaultValue(field)));
            }
        }
        return record;
    }

    private static final String INT_RANGE = "an integer in [-2147483648, 2147483647]";
    private static final String LONG_RANGE = "an integer in [-9223372036854775808, 9223372036854775807]";

    private static int intValue(JsonReader in, String path) throws IOException, RejectionException {
        return integer(in, path, INT_RANGE, BigDecimal::intValueExact);
    }

    private static long longValue(JsonReader in, String path) throws IOException, RejectionException {
        return integer(in, path, LONG_RANGE, BigDecimal::longValueExact);
    }

    /** A JSON number that {@code exact} converts without losing anything (no fraction, in {@code range}). */
    private static <T> T integer(JsonReader in, String path, String range, Function<BigDecimal, T> exact)
            throws IOException, RejectionException {
        expect(in, JsonToken.NUMBER, path, range);
        String literal = in.nextString();
        try {
            return exact.apply(new BigDecimal(literal));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new RejectionException(path, "%s must be %s but was %s", path, range, Shown.text(literal));
        }
    }

    private static double number(JsonReader in, String path) throws IOException, RejectionException {
        String expected = "a number (or \"NaN\", \"Infinity\", \"-Infinity\")";
        if (in.peek() == JsonToken.STRING) {
            String text = in.nextString();
            return switch (text) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new RejectionException(path, "%s must be %s but was %s", path, expected,
                        Shown.quoted(text));
            };
        }
        expect(in, JsonToken.NUMBER, path, expected);
        return Double.parseDouble(in.nextString());
    }

    private static void expect(JsonReader in, JsonToken token, String path, String expected)
            throws IOException, RejectionException {
        if (in.peek() != token) {
            throw new RejectionException(path, "%s must be %s but was %s", path, expected, found(in));
        }
    }

    /** The value at the reader's position, for a reason; scalars are consumed, containers only named. */
    private static String found(JsonReader in) throws IOException {
        return switch (in.peek()) {
            case STRING -> Shown.quoted(in.nextString());
            case NUMBER -> Shown.text(in.nextString());
            case BOOLEAN -> String.valueOf(in.nextBoolean());
            case NULL -> "null";
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            default -> in.peek().toString();
        };
    }

    private static List<String> fieldNames(Schema s) {
        List<String> names = new ArrayList<>();
        for (Schema.Field field : s.getFields()) {
            names.add(field.name());
        }
        return names;
    }

    private static String location(JsonReader in) {
        String where = in.toString();
        int at = where.indexOf(" at ");
        return at < 0 ? where : where.substring(at + 4);
    }

    /** Gson's message without its advice to turn strictness off, which is not the fix for a producer. */
    private static String syntax(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        message = message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
        return Shown.text(message);
    }
}
