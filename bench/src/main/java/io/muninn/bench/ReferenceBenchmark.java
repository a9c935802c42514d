package io.muninn.bench;

import io.muninn.bench.ReferenceTable.Row;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        Settings s = Settings.parse(args);
        if (!ReferencePython.torchAvailable(s.python())) {
            out.println(ReferencePython.TORCH_MISSING);
            return 1;
        }
        Path root = ReferencePython.repoRoot();
        Path script = root.resolve(ReferencePython.SCRIPT);
        Path checkpoint = s.checkpoint().isEmpty()
                ? root.resolve("bench/target/reference-checkpoint/h" + s.hidden()) : Path.of(s.checkpoint());
        Path work = root.resolve("bench/target/reference-run/h" + s.hidden());
        Files.createDirectories(work);

        boolean reused = ReferencePython.checkpointMatches(checkpoint, s.hidden());
        if (!reused) {
            ReferencePython.run(List.of(s.python(), script.toString(), "write-checkpoint", "--out",
                    checkpoint.toString(), "--hidden", Integer.toString(s.hidden()), "--seed",
                    Long.toString(ReferencePython.CHECKPOINT_SEED)), s.threads());
            if (!ReferencePython.checkpointMatches(checkpoint, s.hidden())) {
                throw new IllegalStateException("bench_reference.py wrote " + checkpoint + " but its "
                        + ReferencePython.MARKER + " does not describe a hidden-" + s.hidden() + " checkpoint");
            }
        }
        ModelConfig config = ConfigReader.read(checkpoint.resolve(ConfigReader.FILE_NAME));
        int maxSteps = config.meanRecurrence();
        List<BenchRequest> kl = BatchingBenchmark.requests(config, null, s.sequences(), s.promptLength(),
                s.maxNewTokens(), new ExitPolicy(ExitCriterion.of("kl", THRESHOLD), 0, maxSteps, 1, true), 1.0);
        List<BenchRequest> fixed = BatchingBenchmark.requests(config, null, s.sequences(), s.promptLength(),
                s.maxNewTokens(), ExitPolicy.fixedSteps(maxSteps), 1.0);
        Path prompts = work.resolve("prompts.jsonl");
        Files.writeString(prompts, ReferencePython.promptsJsonl(kl), StandardCharsets.UTF_8);

        out.printf(Locale.ROOT, "command: muninn bench reference %s%n", String.join(" ", args));
        out.printf(Locale.ROOT, "machine: %d cores; threads %d; OMP_WAIT_POLICY %s (inherited by the Python child)%n",
                Runtime.getRuntime().availableProcessors(), s.threads(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        out.printf(Locale.ROOT, "checkpoint: %s (%s; hidden %d, %d heads, MLP %d, vocab %d, %d/%d/%d layers)%n",
                checkpoint, reused ? "reused" : "written", s.hidden(), config.numHeads(), config.intermediateSize(),
                config.vocabSize(), config.preludeLayers(), config.coreLayers(), config.codaLayers());
        out.printf(Locale.ROOT, "workload: %d sequences x %d tokens, random prompts of %d tokens (%s), greedy; "
                + "kl < %s, max %d steps, latest-m4, exit in prefill%n", s.sequences(), s.maxNewTokens(),
                s.promptLength(), prompts, THRESHOLD, maxSteps);
        out.flush();

        List<ReferencePython.Run> pytorch = new ArrayList<>();
        for (String mode : List.of("fixed", "kl")) {
            Path json = work.resolve("pytorch-" + mode + ".json");
            Files.deleteIfExists(json);
            ReferencePython.run(List.of(s.python(), script.toString(), "generate", "--model", checkpoint.toString(),
                    "--prompts", prompts.toString(), "--batch", Integer.toString(PYTORCH_BATCH), "--threads",
                    Integer.toString(s.threads()), "--mode", mode, "--max-new-tokens",
                    Integer.toString(s.maxNewTokens()), "--max-steps", Integer.toString(maxSteps), "--threshold",
                    Double.toString(THRESHOLD), "--json", json.toString()), s.threads());
            pytorch.add(ReferencePython.Run.parse(Files.readString(json, StandardCharsets.UTF_8)));
        }
        ReferencePython.Run pyFixed = pytorch.get(0);
        ReferencePython.Run pyKl = pytorch.get(1);

        out.println(setNd4jThreads(s.threads()));
        ModelWeights weights = WeightsLoader.load(checkpoint);
        int longest = s.promptLength() + s.maxNewTokens();
        List<Row> rows = new ArrayList<>();
        rows.add(Row.of(pyFixed, "pytorch, static batches, fixed depth"));
        rows.add(Row.of(pyKl, "pytorch, static batches, kl exit"));
        double muninnFixed16 = Double.NaN;
        double muninnKl16 = Double.NaN;
        for (int batch : MUNINN_BATCHES) {
            RecurrentDepthEngine engine = BatchingBenchmark.engine(weights, maxSteps, longest, batch + 1);
            // warm-up (not timed): the JIT and this batch size's step arenas, a few tokens of each mode
            int warmNew = Math.min(s.maxNewTokens(), 2);
            TimedRuns.continuousTimed(engine, BatchingBenchmark.requests(config, null,
                    Math.min(s.sequences(), batch), s.promptLength(), warmNew, kl.get(0).params().exit(), 1.0), batch);
            TimedRuns.continuousTimed(engine, BatchingBenchmark.requests(config, null,
                    Math.min(s.sequences(), 2), s.promptLength(), warmNew, fixed.get(0).params().exit(), 1.0), batch);
            TimedRuns.Result f = TimedRuns.continuousTimed(engine, fixed, batch);
            rows.add(Row.of(f, "muninn, continuous, fixed depth", batch, pyFixed.tokens()));
            TimedRuns.Result k = TimedRuns.continuousTimed(engine, kl, batch);
            rows.add(Row.of(k, "muninn, continuous, kl exit", batch, pyKl.tokens()));
            if (batch == PYTORCH_BATCH) {
                muninnFixed16 = f.run().tokensPerSecond();
                muninnKl16 = k.run().tokensPerSecond();
            }
            engine = null; // let the next engine's KV pool replace this one's
            System.gc();
        }

        out.println();
        for (String line : ReferenceTable.table(rows)) {
            out.println(line);
        }
        out.printf(Locale.ROOT, "pytorch kl: token rounds last %.2f steps on average (the batch's slowest member) "
                + "against %.2f steps per token%n", pyKl.meanRoundSteps(), pyKl.meanStepsPerToken());
        out.println("peak resident MB: Muninn's is the JVM's peak during the run (VmHWM reset before it); PyTorch's "
                + "is its process's ru_maxrss, loading included");
        out.println(ReferenceTable.ratioLine("kl-exit", muninnKl16, pyKl.tokensPerSecond()));
        out.println(ReferenceTable.ratioLine("fixed-depth", muninnFixed16, pyFixed.tokensPerSecond()));
        out.flush();
        return 0;
    }

    /** The options, checked. {@code checkpoint} is empty for the default folder. */
    record Settings(int hidden, int sequences, int maxNewTokens, int promptLength, int threads, String checkpoint,
            String python) {

        static Settings parse(String[] args) {
            Map<String, String> defaults = new HashMap<>(Map.of("--hidden", "1024", "--sequences", "32",
                    "--max-new-tokens", "16", "--prompt-length", "12", "--threads", "2", "--checkpoint", "",
                    "--python", "/usr/bin/python3"));
            Map<String, String> opts = BenchArgs.parse(args, defaults);
            Settings s = new Settings(Integer.parseInt(opts.get("--hidden")), Integer.parseInt(opts.get("--sequences")),
                    Integer.parseInt(opts.get("--max-new-tokens")), Integer.parseInt(opts.get("--prompt-length")),
                    Integer.parseInt(opts.get("--threads")), opts.get("--checkpoint"), opts.get("--python"));
            if (s.hidden < 64 || s.hidden % 64 != 0) {
                throw new IllegalArgumentException("--hidden must be a positive multiple of 64 (head dim 64) but was "
                        + s.hidden);
            }
            if (s.sequences < 1 || s.maxNewTokens < 1 || s.promptLength < 1 || s.threads < 1) {
                throw new IllegalArgumentException(
                        "--sequences, --max-new-tokens, --prompt-length and --threads must be >= 1");
            }
            return s;
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
}
