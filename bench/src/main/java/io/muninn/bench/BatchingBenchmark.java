package io.muninn.bench;

import io.muninn.bench.TimedRuns.Result;
import io.muninn.bench.TimedRuns.Run;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code muninn bench batching}: the same requests generated one sequence at a time, with static batching (each
 * token round waits for its slowest member, as the reference does) and with Muninn's recurrence-step continuous
 * batching, on the bundled tiny model and on a random-weight model, in one run. Prints tokens per second side by
 * side, steps per token under KL exit against fixed depth, and a histogram. Asserts nothing; it reports.
 */
public final class BatchingBenchmark {
    /** One-at-a-time is slow by design; its rate is measured on this many of the sequences. */
    private static int singleSequences;
    /** Whether the KL exit may end the prefill too (the reference's current default; the paper's code never did). */
    private static boolean exitInPrefill;

    private BatchingBenchmark() {}

    /** A model to run; {@code prompts} are its own eval prompts (token ids), or null for random prompts. */
    record Setup(String name, ModelWeights weights, double threshold, double initScale, List<int[]> prompts) {}

    public static void main(String[] args) {
        // Four times as many sequences as batch slots: continuous batching refills a slot the step it frees, static
        // batching cannot. At hidden 1024 the random model's coupling and spread give KL exits of about 10 to 18 steps
        // with a few up to the cap (mean ~14), inside Huginn-0125's per-category means (12.7-16.2); spread 0 gives
        // random weights' narrow band. Random weights at this size spread no wider (bench/README.md, "Exit spread").
        Map<String, String> defaults = new HashMap<>(Map.of(
                "--model", "models/huginn-tiny-chains", "--sequences", "64", "--batch", "16", "--max-new-tokens", "16",
                "--prompt-length", "12", "--random-hidden", "1024", "--random-sequences", "64", "--threshold", "5e-4",
                "--max-steps", "32"));
        defaults.put("--random-coupling", "0.28");
        defaults.put("--random-spread", "3.0");
        defaults.put("--single-sequences", "2");
        defaults.put("--exit-in-prefill", "false");
        Map<String, String> opts = BenchArgs.parse(args, defaults);
        singleSequences = Integer.parseInt(opts.get("--single-sequences"));
        int maxSteps = Integer.parseInt(opts.get("--max-steps"));
        int batch = Integer.parseInt(opts.get("--batch"));
        int maxNew = Integer.parseInt(opts.get("--max-new-tokens"));
        int promptLength = Integer.parseInt(opts.get("--prompt-length"));
        double threshold = Double.parseDouble(opts.get("--threshold"));
        exitInPrefill = Boolean.parseBoolean(opts.get("--exit-in-prefill"));
        List<Setup> setups = new ArrayList<>();
        Path model = Path.of(opts.get("--model"));
        if (Files.isDirectory(model)) {
            setups.add(new Setup(model.getFileName().toString(), WeightsLoader.load(model), threshold, 0.0,
                    evalPrompts(model)));
        } else {
            System.out.println("model directory " + model + " not found; running the random-weight model only");
        }
        int hidden = Integer.parseInt(opts.get("--random-hidden"));
        ModelConfig rc = RandomWeights.config(hidden, 512, 256, maxSteps);
        double coupling = Double.parseDouble(opts.get("--random-coupling"));
        double spread = Double.parseDouble(opts.get("--random-spread"));
        setups.add(new Setup("random-h" + hidden, spread == 0
                ? RandomWeights.create(rc, 20261123L, 1.0 / Math.sqrt(hidden), coupling)
                : RandomWeights.createWithSpread(rc, 20261123L, 1.0 / Math.sqrt(hidden), coupling, spread), threshold, 1.0, null));

        System.out.printf(Locale.ROOT, "command: muninn bench batching %s%n", String.join(" ", args));
        System.out.printf(Locale.ROOT, "machine: %d cores, ND4J %s threads%n", Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        double lastRatio = Double.NaN;
        for (Setup s : setups) {
            int sequences = s.name().startsWith("random") ? Integer.parseInt(opts.get("--random-sequences"))
                    : Integer.parseInt(opts.get("--sequences"));
            lastRatio = runSetup(s, sequences, batch, maxNew, promptLength, maxSteps);
        }
        System.out.printf(Locale.ROOT, "continuous/static tokens-per-second ratio: %.2f%n", lastRatio);
    }

    private static double runSetup(Setup s, int sequences, int batch, int maxNew, int promptLength, int maxSteps) {
        ModelConfig c = s.weights().config();
        List<BenchRequest> kl = requests(c, s.prompts(), sequences, promptLength, maxNew,
                new ExitPolicy(ExitCriterion.of("kl", s.threshold()), 0, maxSteps, 1, exitInPrefill), s.initScale());
        List<BenchRequest> fixed = requests(c, s.prompts(), sequences, promptLength, maxNew, ExitPolicy.fixedSteps(maxSteps),
                s.initScale());
        int longest = kl.stream().mapToInt(r -> r.prompt().length).max().orElse(promptLength) + maxNew;
        // room for every sequence of a group and, for the reference-style static run, its shadow
        RecurrentDepthEngine engine = engine(s.weights(), maxSteps, longest, 2 * batch + 1);

        System.out.printf(Locale.ROOT, "%n## %s (hidden %d, %d sequences x %d tokens, batch %d, kl < %s, max %d steps, %s, %s)%n",
                s.name(), c.hiddenSize(), sequences, maxNew, batch, s.threshold(), maxSteps,
                exitInPrefill ? "exit in prefill" : "no exit in prefill",
                s.prompts() == null ? "random prompts of " + promptLength + " tokens" : "prompts from its eval.jsonl");
        // warm-up of every timed mode on one group, so that no mode pays the JIT and native code paths for the others
        List<BenchRequest> warm = kl.subList(0, Math.min(batch, kl.size()));
        new StaticBatchRunner(engine, batch, true).run(warm);
        new StaticBatchRunner(engine, batch, false).run(warm);
        TimedRuns.continuous(engine, warm, batch);
        TimedRuns.continuous(engine, fixed.subList(0, Math.min(2, fixed.size())), batch);

        System.out.println("| mode | sequences | tokens | seconds | tokens/s | vs static | peak resident MB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        StaticBatchRunner reference = new StaticBatchRunner(engine, batch, true);
        Run stat = TimedRuns.time("static batching, as the reference (the whole batch computes until its slowest member exits)",
                () -> reference.run(kl));
        double staticRate = stat.tokensPerSecond();
        print(stat, staticRate);
        StaticBatchRunner leanRunner = new StaticBatchRunner(engine, batch, false);
        Run lean = TimedRuns.time("static batching, exited members idle", () -> leanRunner.run(kl));
        print(lean, staticRate);
        Result cont = TimedRuns.continuousTimed(engine, kl, batch);
        print(cont.run(), staticRate);
        Result fixedDepth = TimedRuns.continuousTimed(engine, fixed, batch);
        print(fixedDepth.run(), staticRate);
        List<BenchRequest> subset = kl.subList(0, Math.min(singleSequences, kl.size()));
        Run one = TimedRuns.time("one sequence at a time", () -> TimedRuns.single(engine, subset));
        print(one, staticRate);

        int identical = sameCount(one.tokens(), stat.tokens(), cont.run().tokens());
        int bothBatched = sameCount(stat.tokens(), lean.tokens(), cont.run().tokens());
        System.out.printf(Locale.ROOT, "identical outputs: both static modes vs continuous %d of %d sequences; with one at a time %d of %d%n",
                bothBatched, kl.size(), identical, subset.size());
        System.out.printf(Locale.ROOT, "mean steps per token: kl exit %.2f vs fixed %d -> %.1f%% of recurrence compute saved%n",
                cont.meanSteps(), maxSteps, 100 * (1 - cont.meanSteps() / maxSteps));
        System.out.printf(Locale.ROOT, "mean rows per micro-batch: continuous %.1f%n", cont.meanRows());
        System.out.printf(Locale.ROOT, "micro-batch steps (entries stepped): static as the reference %d (%d), exited members idle %d (%d), "
                + "continuous %d (%d)%n", reference.steps(), reference.entrySteps(), leanRunner.steps(), leanRunner.entrySteps(),
                cont.steps(), cont.entrySteps());
        double perRound = (double) reference.steps() / reference.rounds();
        // the step gap alone: rows that cost per row (a prefill round's prompts and shadows) come on top of it
        System.out.printf(Locale.ROOT, "static token rounds wait for their slowest member: %d rounds of %.2f steps on average against "
                + "%.2f steps per token (%.2fx)%n",
                reference.rounds(), perRound, cont.meanSteps(), perRound / cont.meanSteps());
        System.out.println("steps-per-token histogram (kl exit, continuous):");
        long[] h = cont.histogram();
        long max = Arrays.stream(h).max().orElse(1);
        for (int steps = 1; steps < h.length; steps++) {
            if (h[steps] > 0) {
                System.out.printf(Locale.ROOT, "  %2d | %-40s %d%n", steps, "#".repeat((int) Math.max(1, 40 * h[steps] / max)), h[steps]);
            }
        }
        double ratio = cont.run().tokensPerSecond() / staticRate;
        System.out.printf(Locale.ROOT, "%s continuous/static (exited members idle) tokens-per-second ratio: %.2f%n",
                s.name(), cont.run().tokensPerSecond() / lean.tokensPerSecond());
        System.out.printf(Locale.ROOT, "%s continuous/static tokens-per-second ratio: %.2f%n", s.name(), ratio);
        return ratio;
    }

    /**
     * An engine with latest-m4 lookups whose KV pool holds {@code sequences} sequences of {@code longest} positions
     * each, every token running {@code maxSteps} steps (the worst case the scheduler's admission reserves).
     */
    static RecurrentDepthEngine engine(ModelWeights weights, int maxSteps, int longest, int sequences) {
        long budget = RecurrentDepthEngine.kvBytesFor(weights.config(), "latest-m4", maxSteps, 16, longest) * sequences;
        return new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions("latest-m4", maxSteps, budget, 16));
    }

    /**
     * The model's own eval prompts (eval.jsonl's {@code prompt_ids}, as the tiny model's exporter writes them),
     * shuffled with a fixed seed so that every difficulty level is mixed into each batch; null without the file.
     */
    static List<int[]> evalPrompts(Path model) {
        Path eval = model.resolve("eval.jsonl");
        if (!Files.isRegularFile(eval)) {
            return null;
        }
        try {
            List<int[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(eval)) {
                var ids = com.google.gson.JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("prompt_ids");
                int[] prompt = new int[ids.size()];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = ids.get(i).getAsInt();
                }
                out.add(prompt);
            }
            java.util.Collections.shuffle(out, new Random(11));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<BenchRequest> requests(ModelConfig c, List<int[]> prompts, int n, int promptLength, int maxNew,
            ExitPolicy exit, double initScale) {
        Random random = new Random(7);
        List<BenchRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = new int[promptLength];
            if (prompts != null) {
                prompt = prompts.get(i % prompts.size());
            }
            for (int j = 0; prompts == null && j < promptLength; j++) {
                prompt[j] = random.nextInt(Math.min(c.vocabSize(), 250));
            }
            // A trained model's prompts end at its end-of-text token, as real requests do; random models never stop.
            Set<Integer> stops = prompts == null ? Set.of() : Set.copyOf(c.eosTokenIds());
            GenerationParams p = new GenerationParams(maxNew, exit, new GreedySampler(), 1000 + i, initScale, false, stops);
            out.add(new BenchRequest("r" + i, prompt, p));
        }
        return out;
    }

    private static void print(Run r, double staticRate) {
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %s |%n", r.name(), r.tokens().size(), r.tokenCount(),
                r.seconds(), r.tokensPerSecond(), r.tokensPerSecond() / staticRate,
                r.peakResidentMb() < 0 ? "n/a" : Long.toString(r.peakResidentMb()));
        System.out.flush();
    }

    /** Sequences whose tokens agree in all three modes (batch shapes change float rounding, never the algorithm). */
    private static int sameCount(List<int[]> a, List<int[]> b, List<int[]> c) {
        int n = 0;
        for (int i = 0; i < Math.min(a.size(), Math.min(b.size(), c.size())); i++) {
            if (Arrays.equals(a.get(i), b.get(i)) && Arrays.equals(a.get(i), c.get(i))) {
                n++;
            }
        }
        return n;
    }
}
