package io.muninn.bench;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.annotations.SerializedName;
import io.muninn.model.config.ConfigReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side of {@code bench reference}: {@code tools/reference/bench_reference.py}, run as a child process.
 * Its checkpoint marker, the prompt file it reads, the JSON it reports, and how it is started.
 */
final class ReferencePython {
    static final String TORCH_MISSING =
            "PyTorch is missing: apt-get update && apt-get install -y python3-torch libopenblas0-pthread";
    static final String SCRIPT = "tools/reference/bench_reference.py";
    /** The script's checkpoint module, which defines MARKER, CHECKPOINT_FORMAT and VOCAB. */
    static final String CHECKPOINT_MODULE = "tools/reference/bench_checkpoint.py";
    /** What bench_reference.py writes into a complete checkpoint directory, last. */
    static final String MARKER = "bench-checkpoint.json";
    /**
     * bench_checkpoint.py's CHECKPOINT_FORMAT and VOCAB, and bench_reference.py's default seed: a cached checkpoint
     * must match them.
     */
    static final int CHECKPOINT_FORMAT = 1;
    static final int VOCAB = 65536;
    static final long CHECKPOINT_SEED = 20261123L;

    private static final Gson GSON = new Gson();

    private ReferencePython() {}

    /** One line of the prompt file: what bench_reference.py generate reads. */
    private record PromptLine(String id, @SerializedName("prompt_ids") int[] promptIds, long seed) {}

    /** JSON lines of {@code {"id", "prompt_ids", "seed"}}, one per request. */
    static String promptsJsonl(List<BenchRequest> requests) {
        StringBuilder sb = new StringBuilder();
        for (BenchRequest r : requests) {
            sb.append(GSON.toJson(new PromptLine(r.id(), r.prompt(), r.params().seed()))).append('\n');
        }
        return sb.toString();
    }

    /** What bench_reference.py generate reports. */
    record Run(String mode, int batch, int threads, List<int[]> tokens, List<int[]> exitSteps,
            double wallSeconds, double tokensPerSecond, double meanStepsPerToken, double meanRoundSteps,
            double peakRssMb) {

        int tokenCount() {
            return tokens.stream().mapToInt(t -> t.length).sum();
        }

        static Run parse(String json) {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            List<int[]> tokens = new ArrayList<>();
            List<int[]> exits = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("sequences")) {
                tokens.add(ints(e.getAsJsonObject().getAsJsonArray("tokens")));
                exits.add(ints(e.getAsJsonObject().getAsJsonArray("exit_steps")));
            }
            return new Run(o.get("mode").getAsString(), o.get("batch").getAsInt(), o.get("threads").getAsInt(),
                    tokens, exits, o.get("wall_seconds").getAsDouble(), o.get("tokens_per_second").getAsDouble(),
                    o.get("mean_steps_per_token").getAsDouble(), o.get("mean_round_steps").getAsDouble(),
                    o.get("peak_rss_mb").getAsDouble());
        }

        private static int[] ints(JsonArray a) {
            return GSON.fromJson(a, int[].class);
        }
    }

    /** Whether {@code dir} holds a complete checkpoint that bench_reference.py wrote for this hidden size. */
    static boolean checkpointMatches(Path dir, int hidden) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(dir.resolve("model.safetensors"))
                || !Files.isRegularFile(dir.resolve(ConfigReader.FILE_NAME))) {
            return false;
        }
        try {
            JsonObject m = JsonParser.parseString(Files.readString(marker, StandardCharsets.UTF_8)).getAsJsonObject();
            return m.get("format").getAsInt() == CHECKPOINT_FORMAT && m.get("hidden").getAsInt() == hidden
                    && m.get("vocab").getAsInt() == VOCAB && m.get("seed").getAsLong() == CHECKPOINT_SEED;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code python -c "import torch"} succeeds; false also when there is no such program. */
    static boolean torchAvailable(String python) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs a bench_reference.py command with this process's environment (OMP_WAIT_POLICY and the malloc settings
     * bin/muninn exports included) and the thread count in OMP_NUM_THREADS / OPENBLAS_NUM_THREADS; its progress
     * goes to stderr.
     */
    static void run(List<String> command, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        int code = pb.start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("exit code " + code + " from " + String.join(" ", command));
        }
    }

    /** The repository root: the first folder above this class's location (or the working directory) with the script. */
    static Path repoRoot() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(ReferencePython.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            // no code source (unusual class loader): the working directory below still applies
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(SCRIPT))) {
                    return d;
                }
            }
        }
        throw new UncheckedIOException(new IOException("cannot find " + SCRIPT + " above " + starts));
    }
}
