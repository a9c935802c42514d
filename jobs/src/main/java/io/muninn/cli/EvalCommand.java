package io.muninn.cli;

import io.muninn.jobs.CriterionOptions;
import io.muninn.model.eval.EvalExample;
import io.muninn.model.eval.EvalReport;
import io.muninn.model.eval.EvalSet;
import io.muninn.model.eval.Evaluator;
import io.muninn.model.eval.SettingSummary;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Accuracy of a model on its eval set against fixed recurrence depth and under an exit criterion, per difficulty
 * level, with the paper's claims checked (Figure 10). Greedy and deterministic; the same semantics as
 * {@code tools/tiny-model/evaluate.py}, whose table format it prints.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate exact-match accuracy on an eval set (JSON Lines with prompt_ids, answer_ids, difficulty) at "
                + "fixed recurrence depths and with an exit criterion; print a table per difficulty level and whether the "
                + "paper's claims hold.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model directory (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--eval-file", description = "Eval set, JSON Lines (default: <model>/eval.jsonl).")
    Path evalFile;

    @Option(names = "--limit", description = "Evaluate only the first N examples (default: all).")
    Integer limit;

    @Option(names = "--per-level", description = "Evaluate only the first N examples of each difficulty level, after --limit (default: all).")
    Integer perLevel;

    @Option(names = "--depths", split = ",", defaultValue = "1,2,4,8,16,32",
            description = "Fixed recurrence depths to evaluate (default: ${DEFAULT-VALUE}).")
    List<Integer> depths;

    @Option(names = "--max-steps", defaultValue = "32", description = "Most recurrence steps per token under the exit criterion (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--exit-in-prefill", negatable = true, description = "Let the exit criterion end the prefill too, "
            + "decided on the prompt's last position, so the first answer token runs adaptive steps like the others "
            + "(the default, as the reference's current code); --no-exit-in-prefill runs the prefill to --max-steps, as "
            + "in the paper.")
    Boolean exitInPrefill;

    @Mixin
    CriterionOptions exitOptions;

    @Option(names = "--kv-strategy", description = "KV lookup strategy (default: ${DEFAULT-VALUE}).")
    String kv = "latest-m4"; // an initial value, not defaultValue: picocli applies a defaultValue after --kv

    @Option(names = "--kv", hidden = true, description = "Old name of --kv-strategy, kept for one release.")
    void oldKvName(String value) {
        kv = value;
    }

    @Option(names = "--init-scale", defaultValue = "1.0", description = "Scale of the random initial state; 0 starts from zeros (default: ${DEFAULT-VALUE}, as evaluate.py).")
    double initScale;

    @Option(names = "--seed", defaultValue = "0", description = "Request seed of the initial state (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-active-sequences", description = "Sequences batched at once (default: ${DEFAULT-VALUE}).")
    int maxActive = 128; // an initial value, not defaultValue: picocli applies a defaultValue after --max-active

    @Option(names = "--max-active", hidden = true, description = "Old name of --max-active-sequences, kept for one release.")
    void oldMaxActiveName(int value) {
        maxActive = value;
    }

    @Option(names = "--json", description = "Print the numbers as JSON (evaluate.py's eval_python.json layout, plus the claims) instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        validate();
        Path file = evalFile != null ? evalFile : model.resolve("eval.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--eval-file " + file + " does not exist"
                    + (evalFile == null ? " (the default is <model>/eval.jsonl)" : ""));
        }
        ExitCriterion exit = exitOptions.exitCriterion();
        ModelWeights weights = WeightsLoader.load(model);
        List<EvalExample> examples = readExamples(file);
        if (limit != null && limit < examples.size()) {
            examples = examples.subList(0, limit);
        }
        if (perLevel != null) {
            examples = firstPerLevel(examples, perLevel);
        }
        var evaluator = new Evaluator(weights, new Nd4jKernels(), new Evaluator.Options(kv, initScale, seed, maxActive));
        PrintStream progress = System.err;
        long t0 = System.nanoTime();
        SortedMap<Integer, SettingSummary> fixed = new TreeMap<>();
        for (int r : new TreeSet<>(depths)) {
            fixed.put(r, SettingSummary.of(evaluator.run(examples, ExitPolicy.fixedSteps(r))));
            progress.printf(Locale.ROOT, "eval: r=%d accuracy %.1f%% (%.0f s)%n", r,
                    100 * fixed.get(r).overall().accuracy(), seconds(t0));
        }
        boolean inPrefill = exitInPrefill != null ? exitInPrefill : ExitPolicy.DEFAULT_EXIT_IN_PREFILL;
        var policy = new ExitPolicy(exit, 0, maxSteps, 1, inPrefill);
        SettingSummary adaptive = SettingSummary.of(evaluator.run(examples, policy));
        progress.printf(Locale.ROOT, "eval: %s accuracy %.1f%%, %.2f mean steps (%.0f s)%n", exit.name(),
                100 * adaptive.overall().accuracy(), adaptive.overall().meanSteps(), seconds(t0));
        var report = new EvalReport(fixed, exit.name(), exit.threshold(), maxSteps, adaptive, inPrefill);
        var settings = new EvalOutput.Settings(model, file, limit, perLevel, examples.size(), kv, initScale, seed);
        System.out.print(json ? EvalOutput.json(report, settings) : EvalOutput.markdown(report, settings));
        return 0;
    }

    private void validate() {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1 but was " + limit);
        }
        for (int r : depths) {
            if (r < 1) {
                throw new IllegalArgumentException("--depths values must be >= 1 but one was " + r);
            }
        }
        if (perLevel != null && perLevel < 1) {
            throw new IllegalArgumentException("--per-level must be >= 1 but was " + perLevel);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("--max-steps must be >= 1 but was " + maxSteps);
        }
        if (maxActive < 1) {
            throw new IllegalArgumentException("--max-active-sequences must be >= 1 but was " + maxActive);
        }
        if ("none".equals(exitOptions.criterion)) {
            throw new IllegalArgumentException("--criterion none is a fixed depth; list it in --depths instead");
        }
    }

    private static List<EvalExample> firstPerLevel(List<EvalExample> examples, int n) {
        Map<Integer, Integer> taken = new HashMap<>();
        List<EvalExample> out = new ArrayList<>();
        for (EvalExample e : examples) {
            if (taken.merge(e.difficulty(), 1, Integer::sum) <= n) {
                out.add(e);
            }
        }
        return out;
    }

    /** With the model's tokenizer when it has one, so the file's ids are checked against it. */
    private List<EvalExample> readExamples(Path file) {
        if (!Files.isRegularFile(model.resolve("tokenizer.json"))) {
            return EvalSet.read(file);
        }
        try (MuninnTokenizer tokenizer = MuninnTokenizer.load(model)) {
            return EvalSet.read(file, tokenizer);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
