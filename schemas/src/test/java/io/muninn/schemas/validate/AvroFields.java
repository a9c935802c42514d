package io.muninn.schemas.validate;

import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Sets one field of a generated record by its dotted Avro path, so that a test table can name the change in text. */
final class AvroFields {
    private AvroFields() {
    }

    /**
     * Sets the field at {@code path} ({@code generation.sampling.top_p}) to {@code value} read as the field's type:
     * {@code null}, a number, a string, or a list of ints written {@code [1, 2]}.
     */
    static void set(SpecificRecord record, String path, String value) {
        String[] names = path.split("\\.");
        SpecificRecord parent = record;
        for (int i = 0; i < names.length - 1; i++) {
            parent = (SpecificRecord) parent.get(field(parent, names[i]).pos());
        }
        Schema.Field field = field(parent, names[names.length - 1]);
        parent.put(field.pos(), value.equals("null") ? null : parse(nonNull(field.schema()), value));
    }

    private static Schema.Field field(SpecificRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        if (field == null) {
            throw new IllegalArgumentException(record.getSchema().getName() + " has no field " + name);
        }
        return field;
    }

    private static Schema nonNull(Schema schema) {
        return schema.isUnion()
                ? schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow()
                : schema;
    }

    private static Object parse(Schema schema, String value) {
        return switch (schema.getType()) {
            case INT -> Integer.valueOf(value);
            case LONG -> Long.valueOf(value);
            case DOUBLE -> Double.valueOf(value);
            case STRING -> value;
            case ARRAY -> {
                String items = value.substring(1, value.length() - 1).trim();
                yield items.isEmpty() ? List.of() : Arrays.stream(items.split(","))
                        .map(item -> parse(nonNull(schema.getElementType()), item.trim())).toList();
            }
            default -> throw new IllegalArgumentException("cannot read " + value + " as " + schema);
        };
    }
}
