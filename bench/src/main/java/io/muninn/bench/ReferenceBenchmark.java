package io.muninn.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code muninn bench reference}: Muninn against an independent PyTorch implementation on the same checkpoint,
 * prompts and thread count. The PyTorch side ({@code tools/reference/bench_reference.py}, run as a child process)
 * batches as the model authors' {@code generate_with_adaptive_compute} does: static batches of 16, each token round
 * iterating the whole batch until its slowest member's KL exit (or for 32 steps at fixed depth). Muninn runs
 * continuous step-level batching ({@code StepScheduler}) at fixed depth and with the KL exit, at 16 and at 64
 * active sequences. Prints one table, the share of sequences whose greedy tokens equal PyTorch's, and the
 * Muninn/PyTorch tokens-per-second ratios at batch 16 (the fixed-depth ratio last). Asserts nothing.
 */
public final class ReferenceBenchmark {
    static final String TORCH_MISSING =
            "PyTorch is missing: apt-get update && apt-get install -y python3-torch libopenblas0-pthread";
    static final String SCRIPT = "tools/reference/bench_reference.py";
    /** What bench_reference.py writes into a complete checkpoint directory, last. */
    static final String MARKER = "bench-checkpoint.json";
    /** bench_reference.py's CHECKPOINT_FORMAT, VOCAB and default seed: a cached checkpoint must match them. */
    static final int CHECKPOINT_FORMAT = 1;
    static final int VOCAB = 65536;
    static final long CHECKPOINT_SEED = 20261123L;
    static final int PYTORCH_BATCH = 16;
    static final int[] MUNINN_BATCHES = {16, 64};
    static final double THRESHOLD = 5e-4;

    private static final String HELP = """
            muninn bench reference [options]: Muninn against a PyTorch implementation on one random checkpoint.

            Writes (or reuses) a random Huginn-format checkpoint (2 prelude / 4 core / 2 coda layers, head dim 64,
            MLP 3.5 x hidden, vocab 65536, exits spread like the batching benchmark's random model), makes seeded
            random prompts, then generates greedily with
              PyTorch (tools/reference/bench_reference.py, float32): static batches of 16 as the authors'
                generate_with_adaptive_compute runs them, at fixed depth (32 steps) and with the KL exit (5e-4,
                latest-m4, exit in prefill), every token round lasting until the batch's slowest member exits;
              Muninn: continuous step-level batching (StepScheduler) at fixed depth and with the same KL exit, at
                16 and at 64 active sequences.
            Prints a table (tokens/s, mean steps per token, peak resident MB, share of sequences whose tokens equal
            PyTorch's) and the Muninn/PyTorch tokens-per-second ratios at batch 16, the fixed-depth one last.

            options (defaults in brackets):
              --hidden N          hidden size, a multiple of 64 [1024]
              --sequences N       sequences per run [32]
              --max-new-tokens N  tokens per sequence [16]
              --prompt-length N   random prompt tokens [12]
              --threads N         threads for both engines (torch, OpenBLAS; ND4J's OpenMP and OpenBLAS) [2]
              --checkpoint DIR    the checkpoint to write or reuse [bench/target/reference-checkpoint/h<hidden>]
              --python PATH       the Python with torch 1.13+ [/usr/bin/python3]
            """;

    private ReferenceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            out.print(HELP);
            return 0;
        }
        Map<String, String> defaults = new HashMap<>(Map.of("--hidden", "1024", "--sequences", "32",
                "--max-new-tokens", "16", "--prompt-length", "12", "--threads", "2", "--checkpoint", "",
                "--python", "/usr/bin/python3"));
        Map<String, String> opts = BenchArgs.parse(args, defaults);
        int hidden = Integer.parseInt(opts.get("--hidden"));
        int sequences = Integer.parseInt(opts.get("--sequences"));
        int maxNew = Integer.parseInt(opts.get("--max-new-tokens"));
        int promptLength = Integer.parseInt(opts.get("--prompt-length"));
        int threads = Integer.parseInt(opts.get("--threads"));
        String python = opts.get("--python");
        if (hidden < 64 || hidden % 64 != 0) {
            throw new IllegalArgumentException("--hidden must be a positive multiple of 64 (head dim 64) but was " + hidden);
        }
        if (sequences < 1 || maxNew < 1 || promptLength < 1 || threads < 1) {
            throw new IllegalArgumentException("--sequences, --max-new-tokens, --prompt-length and --threads must be >= 1");
        }
        if (!torchAvailable(python)) {
            out.println(TORCH_MISSING);
            return 1;
        }
        Path root = repoRoot();
        Path script = root.resolve(SCRIPT);
        Path checkpoint = opts.get("--checkpoint").isEmpty()
                ? root.resolve("bench/target/reference-checkpoint/h" + hidden) : Path.of(opts.get("--checkpoint"));
        Path work = root.resolve("bench/target/reference-run/h" + hidden);
        Files.createDirectories(work);

        boolean reused = checkpointMatches(checkpoint, hidden);
        if (!reused) {
            python(List.of(python, script.toString(), "write-checkpoint", "--out", checkpoint.toString(),
                    "--hidden", Integer.toString(hidden), "--seed", Long.toString(CHECKPOINT_SEED)), threads);
            if (!checkpointMatches(checkpoint, hidden)) {
                throw new IllegalStateException("bench_reference.py wrote " + checkpoint + " but its " + MARKER
                        + " does not describe a hidden-" + hidden + " checkpoint");
            }
        }
        ModelConfig config = ConfigReader.read(checkpoint.resolve(ConfigReader.FILE_NAME));
        int maxSteps = config.meanRecurrence();
        List<BenchRequest> kl = BatchingBenchmark.requests(config, null, sequences, promptLength, maxNew,
                new ExitPolicy(ExitCriterion.of("kl", THRESHOLD), 0, maxSteps, 1, true), 1.0);
        List<BenchRequest> fixed = BatchingBenchmark.requests(config, null, sequences, promptLength, maxNew,
                ExitPolicy.fixedSteps(maxSteps), 1.0);
        Path prompts = work.resolve("prompts.jsonl");
        Files.writeString(prompts, promptsJsonl(kl), StandardCharsets.UTF_8);

        out.printf(Locale.ROOT, "command: muninn bench reference %s%n", String.join(" ", args));
        out.printf(Locale.ROOT, "machine: %d cores; threads %d; OMP_WAIT_POLICY %s (inherited by the Python child)%n",
                Runtime.getRuntime().availableProcessors(), threads,
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf(Locale.ROOT, "checkpoint: %s (%s; hidden %d, %d heads, MLP %d, vocab %d, %d/%d/%d layers)%n",
                checkpoint, reused ? "reused" : "written", hidden, config.numHeads(), config.intermediateSize(),
                config.vocabSize(), config.preludeLayers(), config.coreLayers(), config.codaLayers());
        out.printf(Locale.ROOT, "workload: %d sequences x %d tokens, random prompts of %d tokens (%s), greedy; "
                + "kl < %s, max %d steps, latest-m4, exit in prefill%n", sequences, maxNew, promptLength, prompts,
                THRESHOLD, maxSteps);
        out.flush();

        List<PythonRun> pytorch = new ArrayList<>();
        for (String mode : List.of("fixed", "kl")) {
            Path json = work.resolve("pytorch-" + mode + ".json");
            Files.deleteIfExists(json);
            python(List.of(python, script.toString(), "generate", "--model", checkpoint.toString(), "--prompts",
                    prompts.toString(), "--batch", Integer.toString(PYTORCH_BATCH), "--threads",
                    Integer.toString(threads), "--mode", mode, "--max-new-tokens", Integer.toString(maxNew),
                    "--max-steps", Integer.toString(maxSteps), "--threshold", Double.toString(THRESHOLD),
                    "--json", json.toString()), threads);
            pytorch.add(PythonRun.parse(Files.readString(json, StandardCharsets.UTF_8)));
        }
        PythonRun pyFixed = pytorch.get(0);
        PythonRun pyKl = pytorch.get(1);

        out.println(setNd4jThreads(threads));
        ModelWeights weights = WeightsLoader.load(checkpoint);
        int longest = promptLength + maxNew;
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of(pyFixed, "pytorch, static batches, fixed depth"));
        rows.add(Row.of(pyKl, "pytorch, static batches, kl exit"));
        double muninnFixed16 = Double.NaN;
        double muninnKl16 = Double.NaN;
        for (int batch : MUNINN_BATCHES) {
            RecurrentDepthEngine engine = BatchingBenchmark.engine(weights, maxSteps, longest, batch + 1);
            // warm-up (not timed): the JIT and this batch size's step arenas, a few tokens of each mode
            int warmNew = Math.min(maxNew, 2);
            BatchingBenchmark.continuousTimed(engine, BatchingBenchmark.requests(config, null,
                    Math.min(sequences, batch), promptLength, warmNew, kl.get(0).params().exit(), 1.0), batch);
            BatchingBenchmark.continuousTimed(engine, BatchingBenchmark.requests(config, null,
                    Math.min(sequences, 2), promptLength, warmNew, fixed.get(0).params().exit(), 1.0), batch);
            BatchingBenchmark.Result f = BatchingBenchmark.continuousTimed(engine, fixed, batch);
            rows.add(Row.of(f, "muninn, continuous, fixed depth", batch, pyFixed.tokens()));
            BatchingBenchmark.Result k = BatchingBenchmark.continuousTimed(engine, kl, batch);
            rows.add(Row.of(k, "muninn, continuous, kl exit", batch, pyKl.tokens()));
            if (batch == PYTORCH_BATCH) {
                muninnFixed16 = f.run().tokensPerSecond();
                muninnKl16 = k.run().tokensPerSecond();
            }
            engine = null; // let the next engine's KV pool replace this one's
            System.gc();
        }

        out.println();
        for (String line : table(rows)) {
            out.println(line);
        }
        out.printf(Locale.ROOT, "pytorch kl: token rounds last %.2f steps on average (the batch's slowest member) "
                + "against %.2f steps per token%n", pyKl.meanRoundSteps(), pyKl.meanStepsPerToken());
        out.println("peak resident MB: Muninn's is the JVM's peak during the run (VmHWM reset before it); PyTorch's "
                + "is its process's ru_maxrss, loading included");
        out.println(ratioLine("kl-exit", muninnKl16, pyKl.tokensPerSecond()));
        out.println(ratioLine("fixed-depth", muninnFixed16, pyFixed.tokensPerSecond()));
        out.flush();
        return 0;
    }

    /** One line of the table. {@code matching} is null for PyTorch's own rows. */
    record Row(String run, int batch, int tokens, double seconds, double tokensPerSecond, double meanSteps,
            double peakMb, String matching) {

        static Row of(PythonRun p, String name) {
            return new Row(name, p.batch(), p.tokenCount(), p.wallSeconds(), p.tokensPerSecond(),
                    p.meanStepsPerToken(), p.peakRssMb(), null);
        }

        static Row of(BatchingBenchmark.Result r, String name, int batch, List<int[]> pytorchTokens) {
            BatchingBenchmark.Run run = r.run();
            return new Row(name, batch, run.tokenCount(), run.seconds(), run.tokensPerSecond(), r.meanSteps(),
                    run.peakResidentMb(), sameTokens(run.tokens(), pytorchTokens));
        }
    }

    static List<String> table(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        lines.add("| run | batch | tokens | seconds | tokens/s | mean steps per token | peak resident MB "
                + "| same tokens as PyTorch |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row r : rows) {
            lines.add(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %s | %s |", r.run(), r.batch(),
                    r.tokens(), r.seconds(), r.tokensPerSecond(), r.meanSteps(),
                    r.peakMb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakMb()),
                    r.matching() == null ? "-" : r.matching()));
        }
        return lines;
    }

    /** "k of n (p%)": sequences whose whole token list equals PyTorch's for the same prompt and mode. */
    static String sameTokens(List<int[]> muninn, List<int[]> pytorch) {
        int n = Math.min(muninn.size(), pytorch.size());
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (Arrays.equals(muninn.get(i), pytorch.get(i))) {
                same++;
            }
        }
        return String.format(Locale.ROOT, "%d of %d (%.0f%%)", same, n, n == 0 ? 0.0 : 100.0 * same / n);
    }

    static String ratioLine(String what, double muninnRate, double pytorchRate) {
        return String.format(Locale.ROOT, "muninn/pytorch %s tokens-per-second ratio: %.2f", what, muninnRate / pytorchRate);
    }

    /** JSON lines of {@code {"id", "prompt_ids", "seed"}}: what bench_reference.py generate reads. */
    static String promptsJsonl(List<BenchRequest> requests) {
        StringBuilder sb = new StringBuilder();
        for (BenchRequest r : requests) {
            JsonObject o = new JsonObject();
            o.addProperty("id", r.id());
            JsonArray ids = new JsonArray();
            for (int t : r.prompt()) {
                ids.add(t);
            }
            o.add("prompt_ids", ids);
            o.addProperty("seed", r.params().seed());
            sb.append(o).append('\n');
        }
        return sb.toString();
    }

    /** What bench_reference.py generate reports. */
    record PythonRun(String mode, int batch, int threads, List<int[]> tokens, List<int[]> exitSteps,
            double wallSeconds, double tokensPerSecond, double meanStepsPerToken, double meanRoundSteps,
            double peakRssMb) {

        int tokenCount() {
            return tokens.stream().mapToInt(t -> t.length).sum();
        }

        static PythonRun parse(String json) {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            List<int[]> tokens = new ArrayList<>();
            List<int[]> exits = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("sequences")) {
                tokens.add(ints(e.getAsJsonObject().getAsJsonArray("tokens")));
                exits.add(ints(e.getAsJsonObject().getAsJsonArray("exit_steps")));
            }
            return new PythonRun(o.get("mode").getAsString(), o.get("batch").getAsInt(), o.get("threads").getAsInt(),
                    tokens, exits, o.get("wall_seconds").getAsDouble(), o.get("tokens_per_second").getAsDouble(),
                    o.get("mean_steps_per_token").getAsDouble(), o.get("mean_round_steps").getAsDouble(),
                    o.get("peak_rss_mb").getAsDouble());
        }

        private static int[] ints(JsonArray a) {
            int[] out = new int[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).getAsInt();
            }
            return out;
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
    private static void python(List<String> command, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        int code = pb.start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("exit code " + code + " from " + String.join(" ", command));
        }
    }

    /**
     * ND4J's thread counts, set in process: its OpenBLAS threads (matrix products) and its own OpenMP loops. The JVM
     * started before --threads was known, so OMP_NUM_THREADS may say otherwise; these calls take precedence.
     */
    private static String setNd4jThreads(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        return String.format(Locale.ROOT, "muninn: ND4J BLAS threads %d, ND4J threads %d (OMP_NUM_THREADS %s)",
                Nd4j.factory().blas().getMaxThreads(), Nd4j.getEnvironment().maxThreads(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    }

    /** The repository root: the first folder above this class's location (or the working directory) with the script. */
    static Path repoRoot() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(ReferenceBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
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
