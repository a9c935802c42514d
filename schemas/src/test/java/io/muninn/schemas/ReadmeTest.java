package io.muninn.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The README's field tables are the contract people read: every field of every record must be in them. */
class ReadmeTest {

    @Test
    void everyFieldIsDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> fields = new ArrayList<>();
        for (Schema schema : List.of(PromptRequest.getClassSchema(), TokenEvent.getClassSchema(),
                Completion.getClassSchema(), RejectedRecord.getClassSchema())) {
            collect(schema, "", fields);
        }

        for (String field : fields) {
            assertThat(readme.contains("`" + field + "`")).as("README.md documents `%s`", field).isTrue();
        }
    }

    /** Dotted paths of the leaf fields; the items of an array of records by their own names. */
    private static void collect(Schema schema, String prefix, List<String> out) {
        for (Schema.Field field : schema.getFields()) {
            String path = prefix + field.name();
            Schema type = nonNull(field.schema());
            if (type.getType() != Schema.Type.RECORD) {
                out.add(path);
            }
            if (type.getType() == Schema.Type.RECORD) {
                collect(type, path + ".", out);
            } else if (type.getType() == Schema.Type.ARRAY && type.getElementType().getType() == Schema.Type.RECORD) {
                collect(type.getElementType(), "", out);
            }
        }
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        return schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
}
