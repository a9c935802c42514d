package io.muninn.schemas.codec;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes a record as the JSON that {@link JsonRecordReader} reads: the schema's field names, every field present
 * ({@code null} for an empty union), enums as symbols, bytes as base64, non-finite doubles as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. For console consumers, scripts and tests.
 */
public final class JsonRecordWriter {

    private JsonRecordWriter() {
    }

    /** {@code record} as one line of JSON. */
    public static String write(IndexedRecord record) {
        JsonSchemas.requireSupported(record.getSchema());
        StringWriter text = new StringWriter();
        try (JsonWriter out = new JsonWriter(text)) {
            value(out, record.getSchema(), record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void value(JsonWriter out, Schema schema, Object value) throws IOException {
        switch (schema.getType()) {
            case UNION -> {
                if (value == null) {
                    out.nullValue();
                } else {
                    value(out, JsonSchemas.nonNull(schema), value);
                }
            }
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                out.beginObject();
                for (Schema.Field field : schema.getFields()) {
                    out.name(field.name());
                    value(out, field.schema(), record.get(field.pos()));
                }
                out.endObject();
            }
            case STRING, ENUM -> out.value(value.toString());
            case BOOLEAN -> out.value((Boolean) value);
            case INT, LONG -> out.value(((Number) value).longValue());
            case FLOAT, DOUBLE -> {
                double number = ((Number) value).doubleValue();
                if (Double.isFinite(number)) {
                    out.value(number);
                } else {
                    out.value(Double.toString(number));
                }
            }
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                out.value(Base64.getEncoder().encodeToString(bytes));
            }
            case ARRAY -> {
                out.beginArray();
                for (Object item : (List<?>) value) {
                    value(out, schema.getElementType(), item);
                }
                out.endArray();
            }
            case MAP -> {
                out.beginObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    out.name(entry.getKey().toString());
                    value(out, schema.getValueType(), entry.getValue());
                }
                out.endObject();
            }
            default -> throw new IllegalStateException("unsupported type " + schema.getType());
        }
    }
}
