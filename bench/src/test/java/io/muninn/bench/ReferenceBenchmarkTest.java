package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.RandomWeights;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code bench reference} that need neither PyTorch nor a model: parsing, formatting, the checks. */
class ReferenceBenchmarkTest {

    private static final String PYTHON_JSON = """
            {"engine": "pytorch", "mode": "kl", "batch": 16, "threads": 2, "torch_threads": 2,
             "torch_version": "1.13.0a0", "omp_wait_policy": "PASSIVE", "max_new_tokens": 3, "max_steps": 32,
             "threshold": 0.0005, "exit_in_prefill": true, "kv_lookup": "latest-m4",
             "sequences": [{"id": "r0", "tokens": [5, 6, 7], "exit_steps": [11, 9, 32]},
                           {"id": "r1", "tokens": [8, 9, 10], "exit_steps": [12, 13, 14]}],
             "tokens": 6, "wall_seconds": 1.5, "tokens_per_second": 4.0, "mean_steps_per_token": 15.1666,
             "mean_round_steps": 26.0, "peak_rss_mb": 331.9}
            """;

    @Test
    void parsesWhatBenchReferencePyWrites() {
        ReferencePython.Run run = ReferencePython.Run.parse(PYTHON_JSON);
        assertThat(run.mode()).isEqualTo("kl");
        assertThat(run.batch()).isEqualTo(16);
        assertThat(run.threads()).isEqualTo(2);
        assertThat(run.tokens()).containsExactly(new int[] {5, 6, 7}, new int[] {8, 9, 10});
        assertThat(run.exitSteps()).containsExactly(new int[] {11, 9, 32}, new int[] {12, 13, 14});
        assertThat(run.tokenCount()).isEqualTo(6);
        assertThat(run.wallSeconds()).isEqualTo(1.5);
        assertThat(run.tokensPerSecond()).isEqualTo(4.0);
        assertThat(run.meanStepsPerToken()).isCloseTo(15.1666, within(1e-12));
        assertThat(run.meanRoundSteps()).isEqualTo(26.0);
        assertThat(run.peakRssMb()).isEqualTo(331.9);
    }

    @Test
    void tableHasOneRowPerRunAndMarksPyTorchsOwnRows() {
        ReferencePython.Run py = ReferencePython.Run.parse(PYTHON_JSON);
        List<String> lines = ReferenceTable.table(List.of(
                ReferenceTable.Row.of(py, "pytorch, static batches, kl exit"),
                new ReferenceTable.Row("muninn, continuous, kl exit", 64, 6, 0.75, 8.0, 15.1666, 1059, "2 of 2 (100%)"),
                new ReferenceTable.Row("muninn, no /proc", 16, 6, 1.0, 6.0, 32, -1, "1 of 2 (50%)")));
        assertThat(lines).containsExactly(
                "| run | batch | tokens | seconds | tokens/s | mean steps per token | peak resident MB | same tokens as PyTorch |",
                "|---|---:|---:|---:|---:|---:|---:|---|",
                "| pytorch, static batches, kl exit | 16 | 6 | 1.50 | 4.00 | 15.17 | 332 | - |",
                "| muninn, continuous, kl exit | 64 | 6 | 0.75 | 8.00 | 15.17 | 1059 | 2 of 2 (100%) |",
                "| muninn, no /proc | 16 | 6 | 1.00 | 6.00 | 32.00 | n/a | 1 of 2 (50%) |");
    }

    @Test
    void sameTokensComparesWholeSequences() {
        List<int[]> pytorch = List.of(new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6});
        assertThat(ReferenceTable.sameTokens(List.of(new int[] {1, 2}, new int[] {3, 9}, new int[] {5, 6}), pytorch))
                .isEqualTo("2 of 3 (67%)");
        assertThat(ReferenceTable.sameTokens(List.of(), List.of())).isEqualTo("0 of 0 (0%)");
    }

    @Test
    void ratioLinesReadMuninnOverPyTorch() {
        assertThat(ReferenceTable.ratioLine("fixed-depth", 6.0, 4.0))
                .isEqualTo("muninn/pytorch fixed-depth tokens-per-second ratio: 1.50");
        assertThat(ReferenceTable.ratioLine("kl-exit", 1.0, 3.0))
                .isEqualTo("muninn/pytorch kl-exit tokens-per-second ratio: 0.33");
    }

    @Test
    void promptFileCarriesIdsPromptsAndSeeds() {
        var requests = BatchingBenchmark.requests(RandomWeights.config(64, 512, 256, 32), null, 3, 12, 4,
                ExitPolicy.fixedSteps(32), 1.0);
        String[] lines = ReferencePython.promptsJsonl(requests).split("\n");
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonObject o = JsonParser.parseString(lines[i]).getAsJsonObject();
            assertThat(o.get("id").getAsString()).isEqualTo(requests.get(i).id());
            assertThat(o.get("seed").getAsLong()).isEqualTo(requests.get(i).params().seed());
            var ids = o.getAsJsonArray("prompt_ids");
            assertThat(ids.size()).isEqualTo(12);
            for (int j = 0; j < 12; j++) {
                assertThat(ids.get(j).getAsInt()).isEqualTo(requests.get(i).prompt()[j]);
            }
        }
    }

    @Test
    void aCachedCheckpointIsReusedOnlyWhenCompleteAndOfTheSameShape(@TempDir Path dir) throws Exception {
        assertThat(ReferencePython.checkpointMatches(dir, 128)).isFalse();
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.write(dir.resolve("model.safetensors"), new byte[8]);
        assertThat(ReferencePython.checkpointMatches(dir, 128)).as("no marker: writing was interrupted").isFalse();
        Files.writeString(dir.resolve(ReferencePython.MARKER),
                "{\"format\": 1, \"hidden\": 128, \"vocab\": 65536, \"seed\": 20261123, \"coupling\": 0.28, \"spread\": 3.0}");
        assertThat(ReferencePython.checkpointMatches(dir, 128)).isTrue();
        assertThat(ReferencePython.checkpointMatches(dir, 1024)).isFalse();
        Files.delete(dir.resolve("model.safetensors"));
        assertThat(ReferencePython.checkpointMatches(dir, 128)).isFalse();
        Files.write(dir.resolve("model.safetensors"), new byte[8]);
        Files.writeString(dir.resolve(ReferencePython.MARKER), "{\"format\": 0, \"hidden\": 128}");
        assertThat(ReferencePython.checkpointMatches(dir, 128)).as("older format").isFalse();
        Files.writeString(dir.resolve(ReferencePython.MARKER), "not json");
        assertThat(ReferencePython.checkpointMatches(dir, 128)).isFalse();
    }

    @Test
    void javaSideConstantsAgreeWithTheScript() throws Exception {
        String script = Files.readString(ReferencePython.repoRoot().resolve(ReferencePython.SCRIPT));
        String checkpoint = Files.readString(ReferencePython.repoRoot().resolve(ReferencePython.CHECKPOINT_MODULE));
        assertThat(checkpoint).contains("CHECKPOINT_FORMAT = " + ReferencePython.CHECKPOINT_FORMAT + " ");
        assertThat(checkpoint).contains("VOCAB = " + ReferencePython.VOCAB + "\n");
        assertThat(checkpoint).contains("MARKER = \"" + ReferencePython.MARKER + "\"");
        assertThat(script).contains("\"--seed\", type=int, default=" + ReferencePython.CHECKPOINT_SEED + ")");
    }

    @Test
    void withoutPyTorchItSaysHowToInstallItAndFails() throws Exception {
        for (String python : List.of("/bin/false", "/nonexistent/python3")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = ReferenceBenchmark.run(new String[] {"--python", python, "--hidden", "64"},
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(code).isNotZero();
            assertThat(bytes.toString(StandardCharsets.UTF_8).trim()).isEqualTo(
                    "PyTorch is missing: apt-get update && apt-get install -y python3-torch libopenblas0-pthread");
        }
    }

    @Test
    void helpListsTheOptions() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(ReferenceBenchmark.run(new String[] {"--help"}, new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("--hidden", "--sequences", "--max-new-tokens",
                "--prompt-length", "--threads", "--checkpoint", "--python", "[1024]", "[32]", "[16]", "[12]", "[2]",
                "[/usr/bin/python3]");
    }
}
