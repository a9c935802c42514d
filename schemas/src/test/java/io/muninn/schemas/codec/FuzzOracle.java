package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.validate.RequestLimits;
import io.muninn.schemas.validate.RequestValidator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * What a fuzzed prompt may become: a request that passes the validator, or a {@link Rejection} whose field is a path
 * of the PromptRequest schema (or an unknown name directly under one of its records) and whose reason names that
 * field, or a rejection of the record as a whole ({@code payload}, {@code fingerprint}) whose reason is one of the
 * specific, known forms below. Anything else, an exception included, fails the test.
 */
final class FuzzOracle {
    static final PromptCodec CODEC = PromptCodec.create();
    static final RequestValidator VALIDATOR =
            new RequestValidator(new RequestLimits(4096, 65536, 1024, 32, Fixtures.CRITERIA));

    private static final String FP = "[0-9A-Fa-f]{16}";
    /** Every form a whole-record rejection may take; "not expected after the check" fallbacks are deliberately absent. */
    private static final List<Pattern> PAYLOAD_REASONS = List.of(
            Pattern.compile("payload is not valid JSON: .+", Pattern.DOTALL),
            Pattern.compile("payload must be a JSON object but was .+", Pattern.DOTALL),
            Pattern.compile("payload must hold one JSON object but more follows it at .+", Pattern.DOTALL),
            Pattern.compile("payload is neither Avro single-object encoding \\(it does not start with C3 01\\) nor "
                    + "(UTF-8 JSON|a JSON object); it starts with [0-9A-F ]+(\\.\\.\\.)?( and reads as: .+)?",
                    Pattern.DOTALL),
            Pattern.compile("payload is not a valid Avro PromptRequest \\(writer fingerprint " + FP + "\\): \\d+ "
                    + "byte\\(s\\) remain after the record"),
            Pattern.compile("payload of \\d+ bytes is too short for Avro single-object encoding, which needs 10 "
                    + "header bytes \\(marker C3 01 and an 8-byte schema fingerprint\\)"),
            Pattern.compile("payload is empty \\(0 bytes\\); .+"),
            Pattern.compile("payload starts with [0-9A-F ]+\\.\\.\\., the Confluent Schema Registry framing .+"));
    private static final Pattern FINGERPRINT_REASON = Pattern.compile("unknown schema fingerprint " + FP
            + ": this reader knows PromptRequest schemas with fingerprints \\[" + FP + "(, " + FP + ")*\\]; .+");
    /** A value-level check on one field can fail on another: these are the fields whose limits depend on it. */
    private static final Map<String, Set<String>> DEPENDENTS = Map.of(
            "generation.max_steps", Set.of("generation.min_steps", "generation.check_every"),
            "generation.sampling.greedy", Set.of("generation.sampling.temperature"));

    enum Outcome { VALID, DECODE_REJECTED, INVALID }

    /** The outcome of one payload, after asserting it is one of the allowed forms. */
    record Result(Outcome outcome, Rejection rejection, PromptRequest request) {}

    private FuzzOracle() {
    }

    /** Decodes and validates {@code bytes}, asserting every rejection is well formed; {@code what} describes the input. */
    static Result check(byte[] bytes, String what) {
        Decoded decoded;
        try {
            decoded = CODEC.decode(bytes);
        } catch (Throwable t) {
            throw new AssertionError("decode threw for " + what, t);
        }
        if (decoded instanceof Decoded.Rejected rejected) {
            assertWellFormed(rejected.rejection(), what);
            return new Result(Outcome.DECODE_REJECTED, rejected.rejection(), null);
        }
        PromptRequest request = ((Decoded.Accepted) decoded).request();
        Optional<Rejection> problem;
        try {
            problem = VALIDATOR.validate(request);
        } catch (Throwable t) {
            throw new AssertionError("validate threw for " + what + ": " + request, t);
        }
        if (problem.isEmpty()) {
            return new Result(Outcome.VALID, null, request);
        }
        Rejection r = problem.get();
        assertWellFormed(r, what);
        assertThat(r.field()).as("validator rejections name a field, not the payload: %s", what)
                .isNotIn(Rejection.PAYLOAD, Rejection.FINGERPRINT);
        String id = request.getRequestId();
        assertThat(r.requestId()).as("rejection attributed to the request: %s", what)
                .isEqualTo(id == null || id.isBlank() ? null : id);
        return new Result(Outcome.INVALID, r, request);
    }

    /** The field is a schema path named in the reason, or a whole-record problem in one of the known forms. */
    static void assertWellFormed(Rejection r, String what) {
        String context = what + " -> " + r;
        if (r.field().equals(Rejection.PAYLOAD)) {
            assertThat(PAYLOAD_REASONS).as("a known whole-record reason: %s", context)
                    .anyMatch(p -> p.matcher(r.reason()).matches());
        } else if (r.field().equals(Rejection.FINGERPRINT)) {
            assertThat(r.reason()).as(context).matches(FINGERPRINT_REASON);
        } else {
            assertThat(r.reason()).as("the reason names the field: %s", context).contains(r.field());
            Schema at = resolve(PromptRequest.getClassSchema(), r.field());
            if (at == null) {
                // only an unknown name (which may itself hold dots) directly under a known record, and the reason
                // names that record
                boolean underARecord = false;
                for (int dot = -1; dot < r.field().length(); dot = r.field().indexOf('.', dot + 1)) {
                    Schema parent = dot < 0 ? PromptRequest.getClassSchema()
                            : resolve(PromptRequest.getClassSchema(), r.field().substring(0, dot));
                    if (parent != null && parent.getType() == Schema.Type.RECORD && r.reason().startsWith(
                            r.field() + " is not a field of " + parent.getName() + ", which has [")) {
                        underARecord = true;
                    }
                    if (r.field().indexOf('.', dot + 1) < 0) {
                        break;
                    }
                }
                assertThat(underARecord).as("the field is a path of the schema or an unknown name under one of its "
                        + "records: %s", context).isTrue();
            }
        }
    }

    /** Whether a rejection at {@code field} is one a mutation at {@code path} may cause. */
    static boolean attributable(String field, String path) {
        if (field.equals(path) || field.startsWith(path + "[") || field.startsWith(path + ".")) {
            return true;
        }
        if (field.equals("input") && path.startsWith("input")) {
            return true;  // exactly one of prompt, messages, token_ids
        }
        return DEPENDENTS.getOrDefault(strip(path), Set.of()).contains(field);
    }

    private static String strip(String path) {
        return path.replaceAll("\\[[^]]*]", "");
    }

    /** The (non-null) schema at a dotted path such as {@code input.messages[1].role} or {@code metadata[k]}; null if none. */
    static Schema resolve(Schema root, String path) {
        Schema s = root;
        int i = 0;
        while (i < path.length()) {
            s = nonNull(s);
            char c = path.charAt(i);
            if (c == '[') {
                if (s.getType() == Schema.Type.MAP) {
                    // map values are strings, so the entry's key runs to the final ']'; the Avro check names a key
                    // it cannot read by its index: metadata[3] (a key)
                    String rest = path.substring(i);
                    return rest.endsWith("]") || rest.matches("\\[\\d+] \\(a key\\)") ? s.getValueType() : null;
                }
                int close = path.indexOf(']', i);
                if (s.getType() != Schema.Type.ARRAY || close < 0 || !path.substring(i + 1, close).matches("\\d+")) {
                    return null;
                }
                s = s.getElementType();
                i = close + 1;
            } else {
                if (c == '.') {
                    if (i == 0) {
                        return null;
                    }
                    i++;
                }
                int next = i;
                while (next < path.length() && path.charAt(next) != '.' && path.charAt(next) != '[') {
                    next++;
                }
                if (s.getType() != Schema.Type.RECORD || s.getField(path.substring(i, next)) == null) {
                    return null;
                }
                s = s.getField(path.substring(i, next)).schema();
                i = next;
            }
        }
        return nonNull(s);
    }

    static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        return s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
}
