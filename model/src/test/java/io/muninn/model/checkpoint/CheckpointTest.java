package io.muninn.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void readsASingleFile() throws IOException {
        new SafetensorsWriter()
                .add("b", Dtype.F32, new long[] {2}, 1f, 2f)
                .add("a", Dtype.BF16, new long[] {1, 1}, 3f)
                .write(dir.resolve(Checkpoint.SINGLE_FILE));

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.directory()).isEqualTo(dir);
            assertThat(checkpoint.names()).containsExactly("a", "b");
            assertThat(checkpoint.contains("a")).isTrue();
            assertThat(checkpoint.tensor("a").shape()).containsExactly(1, 1);
            assertThat(checkpoint.readFloats("b")).containsExactly(1f, 2f);
            assertThat(checkpoint.readFloats("a")).containsExactly(3f);
        }
    }

    @Test
    void readsShardsThroughTheIndex() throws IOException {
        new SafetensorsWriter()
                .add("x.weight", Dtype.F32, new long[] {2}, 1f, 2f)
                .add("y.weight", Dtype.F16, new long[] {1}, 0.5f)
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsWriter()
                .add("z.weight", Dtype.BF16, new long[] {3}, 4f, 5f, 6f)
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        writeIndex("{\"metadata\": {\"total_size\": 16}, \"weight_map\": {"
                + "\"x.weight\": \"model-00001-of-00002.safetensors\","
                + "\"y.weight\": \"model-00001-of-00002.safetensors\","
                + "\"z.weight\": \"model-00002-of-00002.safetensors\"}}");

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.names()).containsExactly("x.weight", "y.weight", "z.weight");
            assertThat(checkpoint.readFloats("x.weight")).containsExactly(1f, 2f);
            assertThat(checkpoint.readFloats("y.weight")).containsExactly(0.5f);
            assertThat(checkpoint.readFloats("z.weight")).containsExactly(4f, 5f, 6f);
            assertThat(checkpoint.tensor("z.weight").dtype()).isEqualTo(Dtype.BF16);
        }
    }

    @Test
    void exposesOnlyTheTensorsOfTheWeightMap() throws IOException {
        new SafetensorsWriter()
                .add("kept", Dtype.F32, new long[] {1}, 1f)
                .add("stray", Dtype.F32, new long[] {1}, 2f)
                .write(dir.resolve("shard.safetensors"));
        writeIndex("{\"weight_map\": {\"kept\": \"shard.safetensors\"}}");

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.names()).containsExactly("kept");
        }
    }

    @Test
    void prefersTheSingleFileOverAnIndex() throws IOException {
        new SafetensorsWriter().add("single", Dtype.F32, new long[] {1}, 1f).write(dir.resolve(Checkpoint.SINGLE_FILE));
        writeIndex("{\"weight_map\": {\"sharded\": \"missing.safetensors\"}}");

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThat(checkpoint.names()).containsExactly("single");
        }
    }

    @Test
    void refusesADirectoryWithoutACheckpoint() {
        assertOpenRefused(dir + " holds neither model.safetensors nor model.safetensors.index.json");
    }

    @Test
    void refusesAnAbsentTensor() throws IOException {
        new SafetensorsWriter().add("a", Dtype.F32, new long[] {1}, 1f).write(dir.resolve(Checkpoint.SINGLE_FILE));

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertThatThrownBy(() -> checkpoint.readFloats("transformer.wte.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage("checkpoint " + dir + " has no tensor transformer.wte.weight");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"metadata\": {}}|weight_map must be an object mapping tensor names to shard files but was null",
        "`{\"weight_map\": `|not a valid JSON object: unexpected end of input at line 1 column 16 path $.weight_map",
        "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}|weight_map maps a to \"../elsewhere.safetensors\" but"
                + " a shard must be a file name in the same directory",
        "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\"}}|weight_map maps a to"
                + " model-00001-of-00002.safetensors, which does not exist"
    })
    void refusesAMalformedIndex(String json, String message) throws IOException {
        Path index = writeIndex(json);

        assertOpenRefused(index + ": " + message);
    }

    @Test
    void refusesAWeightMapEntryItsShardLacks() throws IOException {
        new SafetensorsWriter().add("a", Dtype.F32, new long[] {1}, 1f).write(dir.resolve("shard.safetensors"));
        Path index = writeIndex("{\"weight_map\": {\"a\": \"shard.safetensors\", \"b\": \"shard.safetensors\"}}");

        assertOpenRefused(index + ": weight_map maps b to shard.safetensors, which has no such tensor");
    }

    @Test
    void reportsAMalformedShardByItsPath() throws IOException {
        Path shard = Files.write(dir.resolve("shard.safetensors"), new byte[3]);
        writeIndex("{\"weight_map\": {\"a\": \"shard.safetensors\"}}");

        assertOpenRefused(shard + ": file is 3 bytes, shorter than the 8-byte header length");
    }

    private void assertOpenRefused(String message) {
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(CheckpointException.class).hasMessage(message);
    }

    private Path writeIndex(String json) throws IOException {
        return Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), json);
    }
}
