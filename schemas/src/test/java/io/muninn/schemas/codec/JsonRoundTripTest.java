package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.TokenEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRoundTripTest {

    static Stream<SpecificRecordBase> records() {
        return SingleObjectRoundTripTest.records();
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void readerReturnsWhatTheWriterWrote(T record) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();

        T read = new JsonRecordReader<>(type).read(JsonRecordWriter.write(record));

        assertThat(read).isEqualTo(record);
    }

    @Test
    void writerUsesTheSchemaNamesPlainUnionsSymbolsAndBase64() {
        assertThat(JsonRecordWriter.write(Fixtures.tokenEvent())).isEqualTo(
                "{\"request_id\":\"req-1\",\"index\":3,\"token_id\":1234,\"text\":\" sky\",\"exit_step\":7,"
                        + "\"exit_reason\":\"CONVERGED\",\"criterion_value\":3.5E-4,"
                        + "\"event_time_ms\":1700000000123}");
        assertThat(JsonRecordWriter.write(Fixtures.rejectedRecord()))
                .contains("\"payload\":\"eyJyZXF1ZXN0X2lkIjoicmVxLTcifQ==\"");
    }

    @Test
    void nonFiniteDoublesTravelAsStrings() throws Exception {
        TokenEvent event = Fixtures.tokenEvent();
        event.setCriterionValue(Double.NaN);

        String json = JsonRecordWriter.write(event);

        assertThat(json).contains("\"criterion_value\":\"NaN\"");
        assertThat(new JsonRecordReader<>(TokenEvent.class).read(json).getCriterionValue()).isNaN();
    }

    /** The README's minimal example: everything left out takes its default. */
    @Test
    void minimalJsonPromptTakesTheDefaults() throws Exception {
        String json = "{\"request_id\": \"demo-1\", \"input\": {\"prompt\": \"The capital of France is\"}}";

        PromptRequest read = new JsonRecordReader<>(PromptRequest.class).read(json);

        assertThat(read).isEqualTo(Fixtures.textRequest("demo-1", "The capital of France is"));
    }

    /** The README's full example, written by hand as a producer would. */
    @Test
    void fullJsonPromptMapsEveryField() throws Exception {
        String json = """
                {
                  "request_id": "req-1",
                  "input": {"messages": [{"role": "system", "content": "Be brief."},
                                         {"role": "user", "content": "Why is the sky blue? \\u00e9\u65e5"}]},
                  "generation": {
                    "max_new_tokens": 64, "criterion": "entropy-diff", "threshold": 2e-3,
                    "min_steps": 2, "max_steps": 24, "check_every": 2, "exit_in_prefill": true,
                    "sampling": {"greedy": false, "temperature": 0.7, "top_k": 40, "top_p": 0.9, "min_p": 0.05,
                                 "seed": -1234567890123},
                    "warm_start": true, "init_scale": 0.5, "stop_token_ids": [65505, 65508]
                  },
                  "deadline_ms": 1700000000000,
                  "metadata": {"tenant": "acme", "trace": "t-9"}
                }
                """;

        PromptRequest read = new JsonRecordReader<>(PromptRequest.class).read(json);

        assertThat(read).isEqualTo(Fixtures.fullRequest());
    }

    @Test
    void partialNestedObjectsKeepTheirOtherDefaults() throws Exception {
        String json = "{\"request_id\": \"r\", \"input\": {\"token_ids\": [1, 2.0, 3e0]}, "
                + "\"generation\": {\"sampling\": {\"seed\": 7}}, \"deadline_ms\": null}";

        PromptRequest read = new JsonRecordReader<>(PromptRequest.class).read(json);

        PromptRequest expected = PromptRequest.newBuilder()
                .setRequestId("r")
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(1, 2, 3)).build())
                .setGeneration(Generation.newBuilder().setSampling(Sampling.newBuilder().setSeed(7L).build()).build())
                .build();
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void readerReturnsTheGeneratedClassesAllTheWayDown() throws Exception {
        PromptRequest read = new JsonRecordReader<>(PromptRequest.class).read(
                "{\"request_id\": \"r\", \"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}}");

        assertThat(read.getInput()).isInstanceOf(PromptInput.class);
        assertThat(read.getInput().getMessages().get(0)).isInstanceOf(PromptMessage.class);
        assertThat(read.getGeneration()).isInstanceOf(Generation.class);
        assertThat(read.getGeneration().getSampling()).isInstanceOf(Sampling.class);
        assertThat(read.getMetadata()).isEqualTo(Map.of());
    }
}
