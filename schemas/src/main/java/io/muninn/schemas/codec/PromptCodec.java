package io.muninn.schemas.codec;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.muninn.schemas.Cancellation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Turns the value of a prompts-topic record into a {@link PromptRequest} or a {@link Rejection}; never throws for bad
 * input. In order:
 * <ol>
 *   <li>a null or empty value, or one longer than {@link #maxPayloadBytes()}, is rejected before it is parsed;
 *   <li>a value starting with {@code C3 01} is Avro single-object encoding, read with the current schema from any
 *       released version (see {@link SchemaHistory}) or any writer schema added to the builder;
 *   <li>anything else must be a UTF-8 JSON object with the schema's field names ({@link JsonRecordReader});
 *       {@code input} may be left out only by a cancel ({@code "cancel": true}), which then gets an empty one.
 * </ol>
 * Decoding checks the encoding and the types; {@code RequestValidator} then checks the values.
 *
 * <pre>{@code
 * PromptCodec codec = PromptCodec.builder().maxPayloadBytes(256 * 1024).build();
 * Decoded decoded = codec.decode(record.value());
 * if (decoded instanceof Decoded.Rejected rejected) {
 *     out.collect(rejected.rejection().toRecord(record.topic(), record.partition(), record.offset(),
 *             record.value(), now));
 * }
 * }</pre>
 * Instances are immutable and safe to share between threads.
 */
public final class PromptCodec {
    /** The default payload limit: 1 MiB, Kafka's default maximum message size. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

    private final int maxPayloadBytes;
    private final SingleObjectReader<PromptRequest> avro;
    private final JsonRecordReader<PromptRequest> json;

    private PromptCodec(int maxPayloadBytes, List<Schema> writerSchemas) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.avro = new SingleObjectReader<>(PromptRequest.class, writerSchemas);
        this.json = new JsonRecordReader<>(PromptRequest.class, Set.of("input"));
    }

    /** A codec with the default payload limit that reads every released PromptRequest version. */
    public static PromptCodec create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The largest accepted payload in bytes. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Fingerprints of the PromptRequest writer schemas this codec reads, the current one first. */
    public Set<Long> knownFingerprints() {
        return avro.fingerprints();
    }

    /** The request in a record value, or why there is none. */
    public Decoded decode(byte[] value) {
        if (value == null || value.length == 0) {
            return rejected(Rejection.of(Rejection.PAYLOAD, "payload is empty (%s); a prompt must be an Avro "
                    + "single-object encoded PromptRequest or a JSON object", value == null ? "null" : "0 bytes"));
        }
        if (value.length > maxPayloadBytes) {
            return rejected(Rejection.of(Rejection.PAYLOAD, "payload must be at most %s bytes but was %s bytes",
                    maxPayloadBytes, value.length));
        }
        if (SingleObjectEncoding.hasMarker(value)) {
            try {
                return new Decoded.Accepted(avro.read(value), PayloadFormat.AVRO);
            } catch (RejectionException e) {
                return rejected(e.rejection());
            }
        }
        return decodeJson(value);
    }

    private Decoded decodeJson(byte[] value) {
        if (looksLikeConfluentFraming(value)) {
            return rejected(Rejection.of(Rejection.PAYLOAD, "payload starts with %s, the Confluent Schema Registry "
                    + "framing (magic byte 0, schema id %s), which Muninn does not read; produce Avro single-object "
                    + "encoding (C3 01 + fingerprint) or JSON", Shown.hexPrefix(value, 5), confluentSchemaId(value)));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return rejected(Rejection.of(Rejection.PAYLOAD, "payload is neither Avro single-object encoding (it "
                    + "does not start with C3 01) nor UTF-8 JSON; it starts with %s", Shown.hexPrefix(value, 8)));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        try {
            return new Decoded.Accepted(withInput(json.read(text)), PayloadFormat.JSON);
        } catch (RejectionException e) {
            Rejection rejection = e.rejection();
            if (rejection.field().equals(Rejection.PAYLOAD) && !text.strip().startsWith("{")) {
                return rejected(Rejection.of(Rejection.PAYLOAD, "payload is neither Avro single-object encoding (it "
                        + "does not start with C3 01) nor a JSON object; it starts with %s and reads as: %s",
                        Shown.hexPrefix(value, 8), rejection.reason()));
            }
            return rejected(rejection.withRequestId(requestIdIn(text)));
        }
    }

    /**
     * A JSON request without {@code input} is a cancel ({@code {"request_id": "r1", "cancel": true}}), which gets
     * an empty input, as an Avro cancel carries; for any other request input stays required.
     */
    private static PromptRequest withInput(PromptRequest request) throws RejectionException {
        if (request.getInput() == null) {
            if (!Cancellation.isCancel(request)) {
                throw new RejectionException(Rejection.of("input", "input is missing; it is required (it has no "
                        + "default)").withRequestId(request.getRequestId()));
            }
            request.setInput(PromptInput.newBuilder().build());
        }
        return request;
    }

    private static boolean looksLikeConfluentFraming(byte[] value) {
        return value.length > 5 && value[0] == 0;
    }

    private static int confluentSchemaId(byte[] value) {
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /**
     * The request_id of a JSON request that failed later on, so its caller can match the rejection; else null. Reads
     * the text as a stream without building a tree, and gives up (null) on nesting deeper than any PromptRequest has:
     * parsing the whole text into a tree followed whatever nesting the strict reader had refused, and a payload of
     * 500,000 '[' allocated about 80 MB here.
     */
    private static String requestIdIn(String text) {
        try (JsonReader in = new JsonReader(new StringReader(text))) {
            in.setStrictness(Strictness.LENIENT);
            if (in.peek() != JsonToken.BEGIN_OBJECT) {
                return null;
            }
            String id = null;
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (name.equals("request_id") && in.peek() == JsonToken.STRING) {
                    id = in.nextString();   // the last one, as a tree would keep it
                } else if (!skipShallow(in)) {
                    return null;
                }
            }
            in.endObject();
            return in.peek() == JsonToken.END_DOCUMENT ? id : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Skips one value; false (leaving the reader mid-value) when it nests deeper than {@link #MAX_SKIPPED_DEPTH}. */
    private static boolean skipShallow(JsonReader in) throws IOException {
        int depth = 0;
        do {
            switch (in.peek()) {
                case BEGIN_ARRAY -> {
                    if (++depth > MAX_SKIPPED_DEPTH) {
                        return false;
                    }
                    in.beginArray();
                }
                case BEGIN_OBJECT -> {
                    if (++depth > MAX_SKIPPED_DEPTH) {
                        return false;
                    }
                    in.beginObject();
                }
                case END_ARRAY -> {
                    depth--;
                    in.endArray();
                }
                case END_OBJECT -> {
                    depth--;
                    in.endObject();
                }
                case NAME -> in.nextName();
                case END_DOCUMENT -> throw new java.io.EOFException("end of input inside a value");
                default -> in.skipValue();
            }
        } while (depth > 0);
        return true;
    }

    /** Deeper than any PromptRequest value (at most 4 levels), far below what a payload may claim. */
    private static final int MAX_SKIPPED_DEPTH = 32;

    private static Decoded rejected(Rejection rejection) {
        return new Decoded.Rejected(rejection);
    }

    /** Configures a {@link PromptCodec}; {@link #build()} checks the settings. */
    public static final class Builder {
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private final List<Schema> writerSchemas = new ArrayList<>(SchemaHistory.versions("PromptRequest"));

        private Builder() {
        }

        /** The largest payload to parse, in bytes (default {@link #DEFAULT_MAX_PAYLOAD_BYTES}). */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * Also reads records written with {@code schema}: a PromptRequest schema newer than this build's (from a
         * producer that upgraded first) or any other version that is not in {@link SchemaHistory}.
         */
        public Builder addWriterSchema(Schema schema) {
            if (schema == null) {
                throw new IllegalArgumentException("writer schema must not be null");
            }
            writerSchemas.add(schema);
            return this;
        }

        /**
         * @throws IllegalArgumentException for a payload limit below {@link SingleObjectEncoding#HEADER_LENGTH} bytes
         *                                  or a writer schema the current PromptRequest cannot read
         */
        public PromptCodec build() {
            if (maxPayloadBytes < SingleObjectEncoding.HEADER_LENGTH) {
                throw new IllegalArgumentException(String.format(
                        "maxPayloadBytes must be >= %s (an Avro single-object header) but was %s",
                        SingleObjectEncoding.HEADER_LENGTH, maxPayloadBytes));
            }
            return new PromptCodec(maxPayloadBytes, writerSchemas);
        }
    }
}
