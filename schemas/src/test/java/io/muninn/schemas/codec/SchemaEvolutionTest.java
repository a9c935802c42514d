package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptRequest;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The evolution rule of schemas/README.md, exercised: add optional fields with defaults only. */
class SchemaEvolutionTest {
    private static final Schema CURRENT = PromptRequest.getClassSchema();

    /** A later PromptRequest: a top-level field and a field inside generation, both optional with defaults. */
    private static final Schema NEWER = Schemas.edited(CURRENT, json -> {
        Schemas.addField(json, "{\"name\": \"priority\", \"type\": \"int\", \"default\": 0}");
        Schemas.addField(Schemas.recordOf(json, "generation"),
                "{\"name\": \"draft_model\", \"type\": [\"null\", \"string\"], \"default\": null}");
    });

    /** An earlier PromptRequest: without metadata, generation.stop_token_ids and generation.sampling.min_p. */
    private static final Schema OLDER = Schemas.edited(CURRENT, json -> {
        Schemas.removeField(json, "metadata");
        Schemas.removeField(Schemas.recordOf(json, "generation"), "stop_token_ids");
        Schemas.removeField(Schemas.recordOf(Schemas.recordOf(json, "generation"), "sampling"), "min_p");
    });

    private static byte[] newerRecord() {
        GenericRecord record = Schemas.convert(Fixtures.fullRequest(), NEWER);
        record.put("priority", 7);
        ((GenericRecord) record.get("generation")).put("draft_model", "tiny");
        return Schemas.encode(record);
    }

    @Test
    void currentReaderReadsANewerWritersRecordOnceItKnowsTheSchema() {
        PromptCodec codec = PromptCodec.builder().addWriterSchema(NEWER).build();

        PromptRequest read = accepted(codec.decode(newerRecord()), PayloadFormat.AVRO);

        assertThat(read).isEqualTo(Fixtures.fullRequest());
    }

    /** Single-object encoding carries a fingerprint, not the schema: an unregistered newer schema is refused. */
    @Test
    void newerSchemaThatWasNeverRegisteredIsRejectedByFingerprint() {
        Rejection rejection = rejection(PromptCodec.create().decode(newerRecord()));

        assertThat(rejection.field()).isEqualTo("fingerprint");
        assertThat(rejection.reason()).startsWith("unknown schema fingerprint "
                + SingleObjectEncoding.hex(SingleObjectEncoding.fingerprint(NEWER)) + ": ");
    }

    @Test
    void currentReaderFillsFieldsAnOlderWriterLackedWithDefaults() {
        GenericRecord old = Schemas.convert(Fixtures.fullRequest(), OLDER);
        PromptCodec codec = PromptCodec.builder().addWriterSchema(OLDER).build();

        PromptRequest read = accepted(codec.decode(Schemas.encode(old)), PayloadFormat.AVRO);

        PromptRequest expected = Fixtures.fullRequest();
        expected.setMetadata(Map.of());
        expected.getGeneration().setStopTokenIds(List.of());
        expected.getGeneration().getSampling().setMinP(0.0);
        assertThat(read).isEqualTo(expected);
    }

    /** PromptRequest v3 added the top-level {@code cancel} and generation.total_steps_budget and strict_depth after v2. */
    private static final Schema V2 = SchemaHistory.versions("PromptRequest").get(1);

    @Test
    void currentReaderReadsAV2RecordAsARequestNotACancel() {
        assertThat(V2.getField("cancel")).as("v2 has no cancel").isNull();
        GenericRecord v2 = Schemas.convert(Fixtures.fullRequest(), V2);

        PromptRequest read = accepted(PromptCodec.create().decode(Schemas.encode(v2)), PayloadFormat.AVRO);

        assertThat(read).isEqualTo(Fixtures.fullRequest());
        assertThat(read.getCancel()).isFalse();
    }

    /**
     * A v2 reader ignores the field it does not know: it reads a v3 cancel as a request with an empty input (which a
     * v2 Muninn's validator refuses, naming input). So Muninn must be upgraded before producers send cancels.
     */
    @Test
    void aV2ReaderReadsAV3RecordIgnoringCancel() {
        GenericRecord request = Schemas.convert(Fixtures.fullRequest(), V2);
        assertThat(request.get("request_id")).isEqualTo("req-1");
        assertThat(request.get("metadata")).isEqualTo(Fixtures.fullRequest().getMetadata());

        GenericRecord cancel = Schemas.convert(io.muninn.schemas.Cancellation.of("r9"), V2);
        assertThat(cancel.get("request_id")).isEqualTo("r9");
        assertThat(cancel.hasField("cancel")).isFalse();
        assertThat(((GenericRecord) cancel.get("input")).get("prompt")).isNull();
    }

    /** A producer still on PromptRequest v2 (before step budgets): no budget, and relaxable under load. */
    @Test
    void aV2RequestReadsWithoutABudgetAndWithoutStrictDepth() {
        GenericRecord old = Schemas.convert(Fixtures.fullRequest(), V2);

        PromptRequest read = accepted(PromptCodec.create().decode(Schemas.encode(old)), PayloadFormat.AVRO);

        assertThat(read.getGeneration().getTotalStepsBudget()).isNull();
        assertThat(read.getGeneration().getStrictDepth()).isFalse();
        assertThat(read.getGeneration().getMaxNewTokens()).isEqualTo(Fixtures.fullRequest().getGeneration().getMaxNewTokens());
    }

    /** A consumer of completions built before v2 reads a completion that carries the budget and stage fields. */
    @Test
    void aV1CompletionReaderIgnoresTheBudgetAndStageFields() {
        Schema v1 = SchemaHistory.versions("Completion").get(0);
        Completion current = Fixtures.completion();
        current.setBudgetBound(true);
        current.setDepthStage(3);

        GenericRecord read = Schemas.convert(current, v1); // written with the current schema, read with v1

        assertThat(read.getSchema().getField("budget_bound")).isNull();
        assertThat(read.get("total_steps")).isEqualTo(current.getTotalSteps());
    }

    /** An older consumer of completions keeps working when a later Muninn adds a finish reason. */
    @Test
    void unknownEnumSymbolFromANewerWriterReadsAsUnknown() throws RejectionException {
        Schema newerCompletion = Schemas.edited(Completion.getClassSchema(), json ->
                Schemas.recordOf(json, "finish_reason").getAsJsonArray("symbols").add("PREEMPTED"));
        GenericRecord record = Schemas.convert(Fixtures.completion(), newerCompletion);
        record.put("finish_reason",
                new GenericData.EnumSymbol(newerCompletion.getField("finish_reason").schema(), "PREEMPTED"));

        Completion read = new SingleObjectReader<>(Completion.class, List.of(newerCompletion))
                .read(Schemas.encode(record));

        assertThat(read.getFinishReason()).isEqualTo(FinishReason.UNKNOWN);
        assertThat(read.getText()).isEqualTo(Fixtures.completion().getText());
    }

    /** Why renaming is forbidden: the reader cannot tell, and silently takes the default. */
    @Test
    void aRenamedFieldSilentlyFallsBackToTheDefault() {
        Schema renamed = Schemas.edited(CURRENT, json ->
                Schemas.field(Schemas.recordOf(json, "generation"), "max_new_tokens").addProperty("name",
                        "max_tokens"));
        PromptCodec codec = PromptCodec.builder().addWriterSchema(renamed).build();

        PromptRequest read = accepted(codec.decode(Schemas.encode(Schemas.convert(Fixtures.fullRequest(), renamed))),
                PayloadFormat.AVRO);

        assertThat(Fixtures.fullRequest().getGeneration().getMaxNewTokens()).isEqualTo(64);
        assertThat(read.getGeneration().getMaxNewTokens()).isEqualTo(256);
    }

    @Test
    void aWriterSchemaThatCannotBeReadIsRefusedWhenTheCodecIsBuilt() {
        Schema retyped = Schemas.edited(CURRENT, json -> {
            var field = Schemas.field(Schemas.recordOf(json, "generation"), "max_new_tokens");
            field.addProperty("type", "string");
            field.addProperty("default", "256");
        });

        assertThatThrownBy(() -> PromptCodec.builder().addWriterSchema(retyped).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("writer schema io.muninn.schemas.PromptRequest (fingerprint "
                        + SingleObjectEncoding.hex(SingleObjectEncoding.fingerprint(retyped))
                        + ") cannot be read as io.muninn.schemas.PromptRequest: [/fields/2/type/fields/0/type TYPE_MISMATCH: "
                        + "reader type: INT not compatible with writer type: STRING]")
                .hasMessageEndingWith("; schemas may only gain optional fields with defaults (schemas/README.md)");
    }

    @Test
    void aWriterWithoutARequiredFieldIsRefused() {
        Schema withoutId = Schemas.edited(CURRENT, json -> Schemas.removeField(json, "request_id"));

        assertThatThrownBy(() -> PromptCodec.builder().addWriterSchema(withoutId).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[/fields/0 READER_FIELD_MISSING_DEFAULT_VALUE: request_id]");
    }
}
