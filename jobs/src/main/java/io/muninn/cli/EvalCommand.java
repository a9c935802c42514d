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
import java.util.List;
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

    @Mixin
    EvalSubsetOptions subset;

    @Option(names = "--depths", split = ",", defaultValue = "1,2,4,8,16,32",
            description = "Fixed recurrence depths to evaluate (default: ${DEFAULT-VALUE}).")
    List<Integer> depths;

    @Option(names = "--max-steps", defaultValue = "32", description = "Most recurrence steps per token under the exit criterion (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Mixin
    ExitInPrefillOption exitInPrefill;

    @Mixin
    CriterionOptions exitOptions;

    @Mixin
    KvStrategyOption kv;

    @Mixin
    InitialStateOptions initialState;

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
        List<EvalExample> examples = subset.select(readExamples(file));
        var evaluator = new Evaluator(weights, new Nd4jKernels(), new Evaluator.Options(kv.strategy(), initialState.initScale,
                initialState.seed, maxActive));
        PrintStream progress = System.err;
        long t0 = System.nanoTime();
        SortedMap<Integer, SettingSummary> fixed = new TreeMap<>();
        for (int r : new TreeSet<>(depths)) {
            fixed.put(r, SettingSummary.of(evaluator.run(examples, ExitPolicy.fixedSteps(r))));
            progress.printf(Locale.ROOT, "eval: r=%d accuracy %.1f%% (%.0f s)%n", r,
                    100 * fixed.get(r).overall().accuracy(), seconds(t0));
        }
        boolean inPrefill = exitInPrefill.value();
        var policy = new ExitPolicy(exit, 0, maxSteps, 1, inPrefill);
        SettingSummary adaptive = SettingSummary.of(evaluator.run(examples, policy));
        progress.printf(Locale.ROOT, "eval: %s accuracy %.1f%%, %.2f mean steps (%.0f s)%n", exit.name(),
                100 * adaptive.overall().accuracy(), adaptive.overall().meanSteps(), seconds(t0));
        var report = new EvalReport(fixed, exit.name(), exit.threshold(), maxSteps, adaptive, inPrefill);
        var settings = new EvalOutput.Settings(model, file, subset.limit, subset.perLevel, examples.size(), kv.strategy(),
                initialState.initScale, initialState.seed);
        System.out.print(json ? EvalOutput.json(report, settings) : EvalOutput.markdown(report, settings));
        return 0;
    }

    private void validate() {
        subset.validate();
        for (int r : depths) {
            if (r < 1) {
                throw new IllegalArgumentException("--depths values must be >= 1 but one was " + r);
            }
        }
        atLeastOne("--max-steps", maxSteps);
        atLeastOne("--max-active-sequences", maxActive);
        if ("none".equals(exitOptions.criterion)) {
            throw new IllegalArgumentException("--criterion none is a fixed depth; list it in --depths instead");
        }
    }

    /** Fails naming {@code option} when {@code value} is below 1. */
    static void atLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
        }
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
