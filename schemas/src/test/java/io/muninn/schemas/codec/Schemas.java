package io.muninn.schemas.codec;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/** Builds other versions of a schema, as another producer or consumer would have them, and records in them. */
final class Schemas {
    private Schemas() {
    }

    /** {@code schema} with its JSON changed by {@code edit}. */
    static Schema edited(Schema schema, Consumer<JsonObject> edit) {
        JsonObject json = JsonParser.parseString(schema.toString()).getAsJsonObject();
        edit.accept(json);
        return new Schema.Parser().parse(json.toString());
    }

    /** The record type of field {@code name} in a record's JSON. */
    static JsonObject recordOf(JsonObject record, String name) {
        return field(record, name).getAsJsonObject("type");
    }

    static JsonObject field(JsonObject record, String name) {
        for (JsonElement field : record.getAsJsonArray("fields")) {
            if (field.getAsJsonObject().get("name").getAsString().equals(name)) {
                return field.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException("no field " + name + " in " + record.get("name"));
    }

    static void addField(JsonObject record, String fieldJson) {
        record.getAsJsonArray("fields").add(JsonParser.parseString(fieldJson));
    }

    static void removeField(JsonObject record, String name) {
        JsonArray fields = record.getAsJsonArray("fields");
        fields.remove(field(record, name));
    }

    /** {@code record} as a generic record of {@code target}, by schema resolution (dropping or defaulting fields). */
    static GenericRecord convert(SpecificRecordBase record, Schema target) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<SpecificRecordBase>(record.getSchema()).write(record, out);
            out.flush();
            return new GenericDatumReader<GenericRecord>(record.getSchema(), target)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A generic record in single-object encoding with its own schema's fingerprint. */
    static byte[] encode(GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), record.getSchema())
                    .encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
