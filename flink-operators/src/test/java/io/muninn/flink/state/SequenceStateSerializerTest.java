package io.muninn.flink.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.scheduler.SequenceProgress;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SequenceStateSerializerTest {
    private final SequenceStateSerializer serializer = new SequenceStateSerializer();

    private static PromptRequest request() {
        return PromptRequest.newBuilder()
                .setRequestId("r-1")
                .setInput(PromptInput.newBuilder().setPrompt("What is 2 + 2?").build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(64).setCriterion("entropy-diff").setThreshold(1e-3).build())
                .setDeadlineMs(123L)
                .setMetadata(Map.of("tenant", "acme"))
                .build();
    }

    private static SequenceState withTokens(int n) {
        int[] tokens = new int[n];
        int[] steps = new int[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = 1000 + i;
            steps[i] = 1 + i % 32;
            values[i] = i * 1e-4;
        }
        return new SequenceState(request(), new int[] {1, 2, 3, 4}, 10L, n == 0 ? -1 : 20L,
                new SequenceProgress(tokens, steps, values));
    }

    private byte[] bytes(SequenceState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripsEveryField() throws IOException {
        for (int n : new int[] {0, 1, 17}) {
            SequenceState s = withTokens(n);
            SequenceState back = serializer.deserialize(new DataInputDeserializer(bytes(s)));
            assertThat(back).isEqualTo(s);
            assertThat(back.request()).isEqualTo(s.request());
        }
    }

    @Test
    void growsBySixteenBytesPerGeneratedTokenAndHoldsNoKvCache() throws IOException {
        int base = bytes(withTokens(0)).length;
        // the request (about 100 bytes) and 4 prompt tokens; no tensor of any model-sized shape
        assertThat(base).isLessThan(256);
        for (int n : new int[] {1, 100, 1000}) {
            assertThat(bytes(withTokens(n)).length).as("%s tokens", n).isEqualTo(base + 16 * n);
        }
    }

    @Test
    void carriesTheDepthStageAndStillReadsFormatOneWithStageZero() throws IOException {
        SequenceState plain = withTokens(3);
        var p = plain.progress();
        SequenceState relaxed = new SequenceState(plain.request(), plain.promptTokens(), 10L, 20L,
                new SequenceProgress(p.tokens(), p.exitSteps(), p.criterionValues(), 3));
        assertThat(serializer.deserialize(new DataInputDeserializer(bytes(relaxed))).progress().depthStage())
                .isEqualTo(3);

        // format 1 is format 2 without the trailing stage
        byte[] two = bytes(relaxed);
        byte[] one = java.util.Arrays.copyOf(two, two.length - 4);
        one[3] = 1;
        SequenceState old = serializer.deserialize(new DataInputDeserializer(one));
        assertThat(old).isEqualTo(plain);
        assertThat(old.progress().depthStage()).isZero();
    }

    @Test
    void refusesAnUnknownFormatNamingBothVersions() throws IOException {
        byte[] b = bytes(withTokens(1));
        b[3] = 9;
        assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(b)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 9")
                .hasMessageContaining("reads format 1");
    }

    @Test
    void itsSnapshotRestoresACompatibleSerializer() {
        var snapshot = serializer.snapshotConfiguration();
        TypeSerializer<SequenceState> restored = snapshot.restoreSerializer();
        assertThat(restored).isEqualTo(serializer);
        TypeSerializerSchemaCompatibility<SequenceState> compat =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(snapshot);
        assertThat(compat.isCompatibleAsIs()).isTrue();
        assertThat(List.of(serializer.duplicate())).containsExactly(serializer);
    }
}
