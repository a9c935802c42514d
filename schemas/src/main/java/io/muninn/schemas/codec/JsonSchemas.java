package io.muninn.schemas.codec;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/** What the JSON mapping supports of Avro, checked once per schema so the readers never meet a surprise. */
final class JsonSchemas {
    private JsonSchemas() {
    }

    /** The non-null branch of a {@code ["null", X]} union. */
    static Schema nonNull(Schema union) {
        return union.getTypes().get(0).getType() == Schema.Type.NULL ? union.getTypes().get(1)
                : union.getTypes().get(0);
    }

    /** Throws unless every type reachable from {@code schema} has a JSON mapping. */
    static void requireSupported(Schema schema) {
        requireSupported(schema, new HashSet<>());
    }

    private static void requireSupported(Schema schema, Set<String> visited) {
        switch (schema.getType()) {
            case RECORD -> {
                if (visited.add(schema.getFullName())) {
                    for (Schema.Field field : schema.getFields()) {
                        requireSupported(field.schema(), visited);
                    }
                }
            }
            case UNION -> {
                boolean nullable = schema.getTypes().size() == 2
                        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
                if (!nullable) {
                    throw new IllegalArgumentException("the JSON mapping supports only [\"null\", T] unions but "
                            + schema.getFullName() + " is " + schema);
                }
                requireSupported(nonNull(schema), visited);
            }
            case ARRAY -> requireSupported(schema.getElementType(), visited);
            case MAP -> requireSupported(schema.getValueType(), visited);
            case STRING, BOOLEAN, INT, LONG, FLOAT, DOUBLE, ENUM, BYTES -> {
            }
            default -> throw new IllegalArgumentException(
                    "the JSON mapping does not support Avro type " + schema.getType() + " in " + schema);
        }
    }
}
