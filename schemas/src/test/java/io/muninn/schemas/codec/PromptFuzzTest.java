package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.FuzzOracle.Outcome.DECODE_REJECTED;
import static io.muninn.schemas.codec.FuzzOracle.Outcome.INVALID;
import static io.muninn.schemas.codec.FuzzOracle.Outcome.VALID;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.muninn.schemas.Fixtures;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.FuzzOracle.Outcome;
import io.muninn.schemas.codec.FuzzOracle.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * 20,000 seeded mutations of valid JSON records and 20,000 of valid Avro single-object records, through
 * {@link PromptCodec} and {@code RequestValidator}. Each either becomes a request that passes validation or is
 * rejected with a well-formed reason ({@link FuzzOracle}); structural mutations must moreover be rejected at the
 * field they touched (or a field whose limits depend on it), and some of them exactly there.
 */
class PromptFuzzTest {
    private static final int TRIALS = 20_000;
    private static final Schema SCHEMA = PromptRequest.getClassSchema();
    private static final List<PromptRequest> BASES = List.of(
            Fixtures.fullRequest(),
            Fixtures.textRequest("t-1", "Hello there"),
            PromptRequest.newBuilder(Fixtures.tokenRequest("k-1", List.of(90, 1, 2, 3)))
                    .setGeneration(Generation.newBuilder().setMaxNewTokens(8).setMaxSteps(16).setThreshold(1e-3)
                            .setStopTokenIds(List.of(7)).build())
                    .setDeadlineMs(5L)
                    .build());
    private static final byte[] JSON_PUNCTUATION = "{}[]\",:1x\\ -.e0n".getBytes(StandardCharsets.US_ASCII);

    enum Kind { FLIP, INSERT, DELETE, TRUNCATE, DROP, WRONG_TYPE, HUGE, NEGATIVE, EMPTY_STRING, UNKNOWN_VALUE,
        UNKNOWN_FIELD, DUPLICATE }

    /** A node of a record: its dotted path and its (non-null) schema. */
    record Node(String path, Schema schema, boolean required, boolean recordField) {}

    // ---------------------------------------------------------------- JSON

    @Test
    void jsonMutationsAreValidOrRejectedNamingTheField() {
        Random random = new Random(0x5EED_0001L);
        Map<Kind, int[]> tally = new EnumMap<>(Kind.class);
        for (int trial = 0; trial < TRIALS; trial++) {
            PromptRequest base = BASES.get(random.nextInt(BASES.size()));
            JsonObject tree = JsonParser.parseString(JsonRecordWriter.write(base)).getAsJsonObject();
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            List<Node> nodes = nodes(tree, SCHEMA, "", false);
            String what;
            byte[] bytes;
            Node node = null;
            String duplicate = null;
            if (kind.ordinal() <= Kind.TRUNCATE.ordinal()) {
                bytes = byteMutation(kind, JsonRecordWriter.write(base).getBytes(StandardCharsets.UTF_8), 0, random);
                what = kind + " of JSON";
            } else {
                node = pick(kind, nodes, random);
                switch (kind) {
                    case DROP -> remove(tree, node.path());
                    case WRONG_TYPE -> set(tree, node.path(), wrongJson(node, random));
                    case HUGE -> set(tree, node.path(), hugeJson(node.schema(), random));
                    case NEGATIVE -> set(tree, node.path(), negativeJson(get(tree, node.path()), node.schema(), random));
                    case EMPTY_STRING -> set(tree, node.path(), new JsonPrimitive(""));
                    case UNKNOWN_VALUE -> set(tree, node.path(), new JsonPrimitive(unknownCriterion(random)));
                    case UNKNOWN_FIELD -> {
                        String name = unknownName(random);
                        if (node.schema().getField(name) != null) {
                            name += "_x";  // a field of another record, not of this one
                        }
                        ((JsonObject) get(tree, node.path())).addProperty(name, random.nextInt(10));
                    }
                    case DUPLICATE -> duplicate = node.path();
                    default -> throw new AssertionError(kind);
                }
                bytes = json(tree, "", duplicate).getBytes(StandardCharsets.UTF_8);
                what = kind + " at " + node.path();
            }
            what += ": " + new String(bytes, StandardCharsets.UTF_8);

            Result result = FuzzOracle.check(bytes, what);

            tally.computeIfAbsent(kind, k -> new int[3])[result.outcome().ordinal()]++;
            if (node != null) {
                assertStructural(kind, node, result, what);
            }
        }
        assertCoverage(tally);
    }

    /** What each structural mutation must give, beyond being well formed. */
    private static void assertStructural(Kind kind, Node node, Result result, String what) {
        String path = node.path();
        switch (kind) {
            case DROP -> {
                if (node.required()) {
                    assertRejected(result, DECODE_REJECTED, path, path + " is missing; it is required (it has no "
                            + "default)", what);
                } else {
                    assertAttributable(result, path, what);
                }
            }
            case WRONG_TYPE -> {
                assertThat(result.outcome()).as(what).isEqualTo(DECODE_REJECTED);
                assertThat(result.rejection().field()).as(what).isEqualTo(path);
                assertThat(result.rejection().reason()).as(what).startsWith(path + " must be ");
            }
            case HUGE, NEGATIVE, EMPTY_STRING -> assertAttributable(result, path, what);
            case UNKNOWN_VALUE -> {
                assertThat(result.outcome()).as(what).isEqualTo(INVALID);
                assertThat(result.rejection().field()).as(what).isEqualTo("generation.criterion");
                assertThat(result.rejection().reason()).as(what)
                        .startsWith("generation.criterion must be one of " + Fixtures.CRITERIA + " but was ");
            }
            case UNKNOWN_FIELD -> {
                assertThat(result.outcome()).as(what).isEqualTo(DECODE_REJECTED);
                assertThat(result.rejection().field()).as(what).startsWith(path.isEmpty() ? "" : path + ".");
                assertThat(result.rejection().reason()).as(what).contains(" is not a field of ");
            }
            case DUPLICATE -> assertRejected(result, DECODE_REJECTED, path, path + " appears twice", what);
            default -> throw new AssertionError(kind);
        }
    }

    private static void assertRejected(Result result, Outcome outcome, String field, String reason, String what) {
        assertThat(result.outcome()).as(what).isEqualTo(outcome);
        assertThat(result.rejection().field()).as(what).isEqualTo(field);
        assertThat(result.rejection().reason()).as(what).isEqualTo(reason);
    }

    private static void assertAttributable(Result result, String path, String what) {
        if (result.outcome() != VALID) {
            assertThat(FuzzOracle.attributable(result.rejection().field(), path))
                    .as("rejection %s attributable to the mutated %s: %s", result.rejection(), path, what).isTrue();
        }
    }

    private static void assertCoverage(Map<Kind, int[]> tally) {
        StringBuilder summary = new StringBuilder();
        tally.forEach((k, c) -> summary.append(k).append(Arrays.toString(c)).append(' '));
        assertThat(tally).as("every kind ran: %s", summary).hasSize(Kind.values().length);
        for (Kind k : List.of(Kind.FLIP, Kind.INSERT, Kind.DELETE, Kind.TRUNCATE, Kind.DROP, Kind.WRONG_TYPE,
                Kind.HUGE, Kind.NEGATIVE)) {
            int[] c = tally.get(k);
            assertThat(c[DECODE_REJECTED.ordinal()] + c[INVALID.ordinal()]).as("%s rejects some: %s", k, summary)
                    .isPositive();
        }
        int[] all = new int[3];
        tally.values().forEach(c -> {
            for (int i = 0; i < 3; i++) {
                all[i] += c[i];
            }
        });
        assertThat(Arrays.stream(all).min().orElseThrow())
                .as("valid, decode-rejected and invalid outcomes all occur: %s", summary).isPositive();
    }

    private static Node pick(Kind kind, List<Node> nodes, Random random) {
        List<Node> fit = nodes.stream().filter(n -> switch (kind) {
            case DROP, DUPLICATE -> n.recordField() || n.path().startsWith("metadata[");
            case WRONG_TYPE -> !n.path().isEmpty();
            case HUGE, NEGATIVE -> isNumber(n.schema());
            case EMPTY_STRING -> n.schema().getType() == Schema.Type.STRING;
            case UNKNOWN_VALUE -> n.path().equals("generation.criterion");
            case UNKNOWN_FIELD -> n.schema().getType() == Schema.Type.RECORD;
            default -> false;
        }).toList();
        return fit.get(random.nextInt(fit.size()));
    }

    private static boolean isNumber(Schema s) {
        return switch (s.getType()) {
            case INT, LONG, DOUBLE -> true;
            default -> false;
        };
    }

    /** Every node of a JSON tree written by {@link JsonRecordWriter}, the root record included (path ""). */
    private static List<Node> nodes(JsonElement value, Schema schema, String path, boolean required) {
        List<Node> out = new ArrayList<>();
        Schema s = FuzzOracle.nonNull(schema);
        if (value.isJsonNull()) {
            out.add(new Node(path, s, required, true));
            return out;
        }
        out.add(new Node(path, s, required, !path.isEmpty() && !path.endsWith("]")));
        switch (s.getType()) {
            case RECORD -> {
                JsonObject o = value.getAsJsonObject();
                for (Schema.Field f : s.getFields()) {
                    if (o.has(f.name())) {
                        out.addAll(nodes(o.get(f.name()), f.schema(), path.isEmpty() ? f.name() : path + "." + f.name(),
                                !f.hasDefaultValue()));
                    }
                }
            }
            case ARRAY -> {
                JsonArray a = value.getAsJsonArray();
                for (int i = 0; i < a.size(); i++) {
                    out.addAll(nodes(a.get(i), s.getElementType(), path + "[" + i + "]", false));
                }
            }
            case MAP -> value.getAsJsonObject().entrySet().forEach(e ->
                    out.add(new Node(path + "[" + e.getKey() + "]", s.getValueType(), false, false)));
            default -> {
            }
        }
        return out;
    }

    private static JsonElement wrongJson(Node node, Random random) {
        List<JsonElement> candidates = new ArrayList<>(List.of(new JsonPrimitive("x"), new JsonPrimitive(12),
                new JsonPrimitive(true), new JsonArray(), new JsonObject(), new JsonPrimitive(2.5)));
        candidates.removeIf(c -> fits(c, node.schema()));
        if (node.required() || !node.recordField()) {
            candidates.add(JsonNull.INSTANCE);  // null is only for optional fields
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static boolean fits(JsonElement c, Schema s) {
        return switch (s.getType()) {
            case STRING -> c.isJsonPrimitive() && c.getAsJsonPrimitive().isString();
            case INT, LONG -> c.isJsonPrimitive() && c.getAsJsonPrimitive().isNumber() && c.getAsDouble() % 1 == 0;
            case DOUBLE -> c.isJsonPrimitive() && c.getAsJsonPrimitive().isNumber();
            case BOOLEAN -> c.isJsonPrimitive() && c.getAsJsonPrimitive().isBoolean();
            case ARRAY -> c.isJsonArray() && c.getAsJsonArray().isEmpty();
            case RECORD -> false;  // {} takes every default, and may be valid: not a wrong type
            case MAP -> c.isJsonObject();
            default -> throw new AssertionError(s);
        } || s.getType() == Schema.Type.RECORD && c.isJsonObject();
    }

    private static JsonElement hugeJson(Schema s, Random random) {
        List<String> literals = List.of("2147483648", "9223372036854775807", "9223372036854775808",
                "1e300", "1e20", "99999999999999999999999999999", "1.7976931348623157e308");
        return new JsonPrimitive(new BigDecimal(literals.get(random.nextInt(literals.size()))));
    }

    private static JsonElement negativeJson(JsonElement current, Schema s, Random random) {
        if (current != null && current.isJsonPrimitive() && current.getAsJsonPrimitive().isNumber()
                && random.nextBoolean()) {
            BigDecimal v = current.getAsBigDecimal();
            return new JsonPrimitive(v.signum() == 0 ? BigDecimal.ONE.negate() : v.abs().negate());
        }
        List<String> literals = List.of("-1", "-2147483648", "-2147483649", "-9223372036854775808", "-0.5", "-1e300");
        return new JsonPrimitive(new BigDecimal(literals.get(random.nextInt(literals.size()))));
    }

    private static String unknownCriterion(Random random) {
        return List.of("magic", "KL", "kl ", "", "entropy_diff", "none2").get(random.nextInt(6));
    }

    private static String unknownName(Random random) {
        return List.of("max_tokens", "prompt", "temp", "Request_Id", "x" + random.nextInt(100)).get(random.nextInt(5));
    }

    private static JsonElement get(JsonObject tree, String path) {
        return locate(tree, path, (parent, key) -> parent.isJsonObject() ? parent.getAsJsonObject().get(key)
                : parent.getAsJsonArray().get(Integer.parseInt(key)));
    }

    private static void set(JsonObject tree, String path, JsonElement value) {
        locate(tree, path, (parent, key) -> {
            if (parent.isJsonObject()) {
                parent.getAsJsonObject().add(key, value);
            } else {
                parent.getAsJsonArray().set(Integer.parseInt(key), value);
            }
            return null;
        });
    }

    private static void remove(JsonObject tree, String path) {
        locate(tree, path, (parent, key) -> parent.getAsJsonObject().remove(key));
    }

    interface Access {
        JsonElement apply(JsonElement parent, String key);
    }

    /** Applies {@code access} to the parent of {@code path} and its last key (a name, map key or index). */
    private static JsonElement locate(JsonObject tree, String path, Access access) {
        if (path.isEmpty()) {
            return tree;
        }
        List<String> keys = keys(path);
        JsonElement at = tree;
        for (int i = 0; i < keys.size() - 1; i++) {
            at = at.isJsonObject() ? at.getAsJsonObject().get(keys.get(i))
                    : at.getAsJsonArray().get(Integer.parseInt(keys.get(i)));
        }
        return access.apply(at, keys.get(keys.size() - 1));
    }

    private static List<String> keys(String path) {
        List<String> keys = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '[') {
                int close = path.indexOf(']', i);
                keys.add(path.substring(i + 1, close));
                i = close + 1;
            } else {
                if (c == '.') {
                    i++;
                }
                int next = i;
                while (next < path.length() && path.charAt(next) != '.' && path.charAt(next) != '[') {
                    next++;
                }
                keys.add(path.substring(i, next));
                i = next;
            }
        }
        return keys;
    }

    /** JSON text of a tree, writing the member at {@code duplicate} (a record field or map entry) twice. */
    private static String json(JsonElement e, String path, String duplicate) {
        if (!e.isJsonObject() && !e.isJsonArray()) {
            return new Gson().toJson(e);
        }
        StringBuilder out = new StringBuilder();
        if (e.isJsonArray()) {
            out.append('[');
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                out.append(i == 0 ? "" : ",").append(json(a.get(i), path + "[" + i + "]", duplicate));
            }
            return out.append(']').toString();
        }
        out.append('{');
        boolean first = true;
        boolean map = path.equals("metadata");
        for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
            String child = map ? path + "[" + m.getKey() + "]" : path.isEmpty() ? m.getKey() : path + "." + m.getKey();
            int times = child.equals(duplicate) ? 2 : 1;
            for (int t = 0; t < times; t++) {
                out.append(first ? "" : ",").append(new Gson().toJson(m.getKey())).append(':')
                        .append(json(m.getValue(), child, duplicate));
                first = false;
            }
        }
        return out.append('}').toString();
    }

    // ---------------------------------------------------------------- Avro

    @Test
    void avroMutationsAreValidOrRejectedNamingTheField() {
        Random random = new Random(0x5EED_0002L);
        Map<Kind, int[]> tally = new EnumMap<>(Kind.class);
        List<Kind> kinds = List.of(Kind.FLIP, Kind.INSERT, Kind.DELETE, Kind.TRUNCATE, Kind.DROP, Kind.WRONG_TYPE,
                Kind.HUGE, Kind.NEGATIVE, Kind.EMPTY_STRING, Kind.UNKNOWN_VALUE);
        for (PromptRequest base : BASES) {
            assertThat(avro(base, null)).as("the test's writer writes what Avro writes")
                    .isEqualTo(SingleObjectEncoding.encode(base));
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            PromptRequest base = BASES.get(random.nextInt(BASES.size()));
            Kind kind = kinds.get(random.nextInt(kinds.size()));
            byte[] bytes;
            String what;
            Node node = null;
            if (kind.ordinal() <= Kind.TRUNCATE.ordinal()) {
                int from = random.nextInt(16) == 0 ? 0 : SingleObjectEncoding.HEADER_LENGTH;  // the header now and then
                bytes = byteMutation(kind, SingleObjectEncoding.encode(base), from, random);
                what = kind + " of Avro";
            } else {
                List<Node> nodes = avroNodes(base, SCHEMA, "", true);
                node = pick(kind == Kind.DROP ? Kind.WRONG_TYPE : kind, nodes, random);
                Object replacement = switch (kind) {
                    case HUGE -> huge(node.schema(), random);
                    case NEGATIVE -> negative(node.schema(), random);
                    case EMPTY_STRING -> "";
                    case UNKNOWN_VALUE -> unknownCriterion(random);
                    default -> null;
                };
                bytes = avro(base, new AvroMutation(kind, node.path(), replacement));
                what = kind + " at " + node.path() + (replacement == null ? "" : " = " + replacement);
            }
            what += ": " + HexFormat.ofDelimiter(" ").formatHex(bytes);

            Result result = FuzzOracle.check(bytes, what);

            tally.computeIfAbsent(kind, k -> new int[3])[result.outcome().ordinal()]++;
            if (node != null && kind.ordinal() >= Kind.HUGE.ordinal()) {
                // a new value of the right type: the bytes are valid Avro, only the validator may object
                assertThat(result.outcome()).as(what).isNotEqualTo(DECODE_REJECTED);
                assertAttributable(result, node.path(), what);
                if (kind == Kind.UNKNOWN_VALUE) {
                    assertThat(result.outcome()).as(what).isEqualTo(INVALID);
                    assertThat(result.rejection().field()).as(what).isEqualTo("generation.criterion");
                }
            }
        }
        StringBuilder summary = new StringBuilder();
        tally.forEach((k, c) -> summary.append(k).append(Arrays.toString(c)).append(' '));
        assertThat(tally).as(summary.toString()).hasSize(kinds.size());
        for (Kind k : List.of(Kind.FLIP, Kind.INSERT, Kind.DELETE, Kind.TRUNCATE, Kind.DROP, Kind.WRONG_TYPE,
                Kind.HUGE, Kind.NEGATIVE)) {
            assertThat(tally.get(k)[DECODE_REJECTED.ordinal()] + tally.get(k)[INVALID.ordinal()])
                    .as("%s rejects some: %s", k, summary).isPositive();
        }
        for (Kind k : List.of(Kind.FLIP, Kind.INSERT, Kind.DELETE, Kind.TRUNCATE, Kind.DROP, Kind.WRONG_TYPE)) {
            assertThat(tally.get(k)[DECODE_REJECTED.ordinal()]).as("%s breaks the encoding: %s", k, summary)
                    .isPositive();
        }
    }

    /** A change to one node while writing: leave its bytes out, write another type, or write another value. */
    record AvroMutation(Kind kind, String path, Object replacement) {}

    private static List<Node> avroNodes(Object value, Schema schema, String path, boolean required) {
        List<Node> out = new ArrayList<>();
        Schema s = FuzzOracle.nonNull(schema);
        boolean field = !path.isEmpty() && !path.endsWith("]");
        if (!path.isEmpty()) {
            out.add(new Node(path, s, required, field));
        }
        if (value == null) {
            return out;
        }
        switch (s.getType()) {
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    out.addAll(avroNodes(((IndexedRecord) value).get(f.pos()), f.schema(),
                            path.isEmpty() ? f.name() : path + "." + f.name(), !f.hasDefaultValue()));
                }
            }
            case ARRAY -> {
                List<?> items = (List<?>) value;
                for (int i = 0; i < items.size(); i++) {
                    out.addAll(avroNodes(items.get(i), s.getElementType(), path + "[" + i + "]", false));
                }
            }
            case MAP -> ((Map<?, ?>) value).keySet().forEach(k ->
                    out.add(new Node(path + "[" + k + "]", s.getValueType(), false, false)));
            default -> {
            }
        }
        return out;
    }

    private static Object huge(Schema s, Random random) {
        return switch (s.getType()) {
            case INT -> random.nextBoolean() ? Integer.MAX_VALUE : 1 << 30;
            case LONG -> random.nextBoolean() ? Long.MAX_VALUE : 1L << 40;
            case DOUBLE -> List.of(Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN, 1e300).get(random.nextInt(4));
            default -> throw new AssertionError(s);
        };
    }

    private static Object negative(Schema s, Random random) {
        return switch (s.getType()) {
            case INT -> random.nextBoolean() ? Integer.MIN_VALUE : -1;
            case LONG -> random.nextBoolean() ? Long.MIN_VALUE : -1L;
            case DOUBLE -> List.of(-1.0, -0.0, Double.NEGATIVE_INFINITY, -Double.MIN_VALUE).get(random.nextInt(4));
            default -> throw new AssertionError(s);
        };
    }

    /** The single-object encoding of {@code record}, with {@code mutation} applied (null: none). */
    private static byte[] avro(PromptRequest record, AvroMutation mutation) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(SingleObjectEncoding.encode(record), 0, SingleObjectEncoding.HEADER_LENGTH);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            write(out, SCHEMA, record, "", mutation);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(BinaryEncoder out, Schema schema, Object value, String path, AvroMutation m)
            throws IOException {
        if (m != null && path.equals(m.path())) {
            switch (m.kind()) {
                case DROP -> {
                    return;
                }
                case WRONG_TYPE -> {
                    if (schema.getType() == Schema.Type.UNION) {
                        out.writeIndex(1);
                    }
                    writeWrongType(out, FuzzOracle.nonNull(schema));
                    return;
                }
                default -> {
                    if (schema.getType() == Schema.Type.UNION) {
                        out.writeIndex(1);
                    }
                    write(out, FuzzOracle.nonNull(schema), m.replacement(), path, null);
                    return;
                }
            }
        }
        switch (schema.getType()) {
            case UNION -> {
                // every union of PromptRequest is ["null", T]
                out.writeIndex(value == null ? 0 : 1);
                if (value != null) {
                    write(out, schema.getTypes().get(1), value, path, m);
                }
            }
            case RECORD -> {
                for (Schema.Field f : schema.getFields()) {
                    write(out, f.schema(), ((IndexedRecord) value).get(f.pos()),
                            path.isEmpty() ? f.name() : path + "." + f.name(), m);
                }
            }
            case ARRAY -> {
                List<?> items = (List<?>) value;
                out.writeArrayStart();
                out.setItemCount(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.startItem();
                    write(out, schema.getElementType(), items.get(i), path + "[" + i + "]", m);
                }
                out.writeArrayEnd();
            }
            case MAP -> {
                Map<?, ?> entries = (Map<?, ?>) value;
                out.writeMapStart();
                out.setItemCount(entries.size());
                for (Map.Entry<?, ?> e : entries.entrySet()) {
                    out.startItem();
                    out.writeString(e.getKey().toString());
                    write(out, schema.getValueType(), e.getValue(), path + "[" + e.getKey() + "]", m);
                }
                out.writeMapEnd();
            }
            case STRING -> out.writeString(value.toString());
            case INT -> out.writeInt((Integer) value);
            case LONG -> out.writeLong((Long) value);
            case DOUBLE -> out.writeDouble((Double) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            default -> throw new AssertionError(schema);
        }
    }

    /** A value whose encoding differs from what {@code s} expects. */
    private static void writeWrongType(BinaryEncoder out, Schema s) throws IOException {
        switch (s.getType()) {
            case INT, LONG -> out.writeString("seven");
            case STRING -> out.writeDouble(3.5);
            case DOUBLE -> out.writeBoolean(true);
            case BOOLEAN -> out.writeInt(300);
            case ARRAY, RECORD -> out.writeString("abc");
            case MAP -> out.writeInt(-3);
            default -> throw new AssertionError(s);
        }
    }

    // ---------------------------------------------------------------- bytes

    /** One to three byte-level changes of one kind at or after {@code from}. */
    static byte[] byteMutation(Kind kind, byte[] original, int from, Random random) {
        byte[] bytes = original;
        if (kind == Kind.TRUNCATE) {
            return Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int span = bytes.length - from;
            switch (kind) {
                case FLIP -> {
                    bytes = bytes.clone();
                    int at = from + random.nextInt(span);
                    bytes[at] = random.nextBoolean() ? (byte) (bytes[at] ^ (1 << random.nextInt(8)))
                            : JSON_PUNCTUATION[random.nextInt(JSON_PUNCTUATION.length)];
                }
                case INSERT -> {
                    int at = from + random.nextInt(span + 1);
                    byte b = random.nextBoolean() ? (byte) random.nextInt(256)
                            : JSON_PUNCTUATION[random.nextInt(JSON_PUNCTUATION.length)];
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case DELETE -> {
                    if (span <= 1) {
                        return bytes;
                    }
                    int at = from + random.nextInt(span);
                    int len = Math.min(1 + random.nextInt(3), bytes.length - at);
                    byte[] shorter = new byte[bytes.length - len];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + len, shorter, at, bytes.length - at - len);
                    bytes = shorter;
                }
                default -> throw new AssertionError(kind);
            }
        }
        return bytes;
    }
}
