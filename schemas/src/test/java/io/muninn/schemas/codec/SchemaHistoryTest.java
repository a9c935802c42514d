package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Completion;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The released versions in {@code src/main/resources/io/muninn/schemas/history}: the newest must be the schema this
 * build generates, and every version must stay readable by the current schema and able to read it. A schema change
 * fails here until its next version is added (see schemas/README.md, "Evolving a schema").
 */
class SchemaHistoryTest {

    static Stream<Schema> currentSchemas() {
        return Stream.of(PromptRequest.getClassSchema(), TokenEvent.getClassSchema(), Completion.getClassSchema(),
                RejectedRecord.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void newestReleasedVersionIsTheCurrentSchema(Schema current) {
        List<Schema> versions = SchemaHistory.versions(current.getName());

        assertThat(versions).as("history of %s", current.getName()).isNotEmpty();
        assertThat(versions.get(versions.size() - 1))
                .as("%s changed: release it as history/%s-v%s.avsc (its toString(true)), following the evolution rule",
                        current.getName(), current.getName(), versions.size() + 1)
                .isEqualTo(current);
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void everyVersionAndTheCurrentSchemaReadEachOther(Schema current) {
        for (Schema version : SchemaHistory.versions(current.getName())) {
            assertThat(compatibility(current, version)).as("current %s reading an old record", current.getName())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(compatibility(version, current)).as("old %s reader reading a current record",
                    current.getName()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void theCompatibilityCheckCatchesAFieldAddedWithoutADefault() {
        Schema current = PromptRequest.getClassSchema();
        Schema withRequiredField = Schemas.edited(current, json ->
                Schemas.addField(json, "{\"name\": \"tenant\", \"type\": \"string\"}"));

        assertThat(compatibility(withRequiredField, current)).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void theCodecReadsEveryReleasedPromptRequestVersion() {
        List<Long> released = SchemaHistory.versions("PromptRequest").stream()
                .map(SingleObjectEncoding::fingerprint).toList();

        assertThat(PromptCodec.create().knownFingerprints()).containsAll(released);
    }

    private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }
}
