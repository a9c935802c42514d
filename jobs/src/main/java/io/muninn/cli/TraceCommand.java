package io.muninn.cli;

import com.google.gson.JsonObject;
import io.muninn.jobs.CriterionOptions;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.generate.GenerationResult;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Adaptive generation of one sequence, printing each token's exit step and criterion value. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Generate one sequence with per-token adaptive exit and print tokens, exit steps and criterion values as JSON.")
final class TraceCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--tokens", required = true, converter = TokenIds.Converter.class, description = "Prompt token ids, e.g. 3,17,42.")
    TokenIds tokenIds;

    @Option(names = "--max-new-tokens", defaultValue = "16", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--kv-strategy", description = "KV lookup strategy, e.g. latest-m4, full, latest-m4-compress-s16 (default: ${DEFAULT-VALUE}).")
    String kv = "latest-m4"; // an initial value, not defaultValue: picocli applies a defaultValue after --kv

    @Option(names = "--kv", hidden = true, description = "Old name of --kv-strategy, kept for one release.")
    void oldKvName(String value) {
        kv = value;
    }

    @Option(names = "--max-steps", description = "Most recurrence steps per token (default: the config's mean_recurrence).")
    Integer maxSteps;

    @Option(names = "--min-steps", defaultValue = "0", description = "Steps before the first check (default: ${DEFAULT-VALUE}).")
    int minSteps;

    @Option(names = "--check-every", defaultValue = "1", description = "Check the criterion every n steps (default: ${DEFAULT-VALUE}).")
    int checkEvery;

    @Option(names = "--exit-in-prefill", negatable = true, description = "Let the exit criterion end the prefill, "
            + "decided on the prompt's last position (the default, as the reference's current code); "
            + "--no-exit-in-prefill runs the prompt to max steps, as the paper-era code did.")
    Boolean exitInPrefill;

    @Option(names = "--init-scale", defaultValue = "1.0", description = "Scale of the random initial state; 0 starts from zeros (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--seed", defaultValue = "0", description = "Request seed for initial states and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warm-start", description = "Start each token from the previous token's exit latent (continuous CoT).")
    boolean warmStart;

    @Option(names = "--stop", split = ",", description = "Stop token ids (default: the config's eos ids).")
    List<Integer> stop;

    @ArgGroup(exclusive = true)
    SamplingOptions sampling;

    @Mixin
    CriterionOptions exitOptions;

    @Override
    public Integer call() {
        int[] tokens = tokenIds.ids();
        ModelWeights weights = WeightsLoader.load(model);
        int steps = maxSteps != null ? maxSteps : weights.config().meanRecurrence();
        ExitCriterion exit = exitOptions.exitCriterion();
        ExitPolicy policy = new ExitPolicy(exit, minSteps, steps, checkEvery,
                exitInPrefill != null ? exitInPrefill : ExitPolicy.DEFAULT_EXIT_IN_PREFILL);
        SamplingParams sp = SamplingOptions.params(sampling);
        Set<Integer> stops = stop != null ? new HashSet<>(stop) : new HashSet<>(weights.config().eosTokenIds());
        GenerationParams params = new GenerationParams(maxNewTokens, policy, sp.toSampler(), seed, initScale, warmStart, stops);
        var engine = EngineFactory.forSequence(weights, kv, steps, tokens.length + maxNewTokens);
        GenerationResult result = new SingleSequenceGenerator(engine, 256).generate(tokens, params);
        JsonObject out = new JsonObject();
        out.add("tokens", Json.array(result.tokens()));
        out.add("exit_steps", Json.array(result.exitSteps()));
        out.add("criterion_values", Json.array(result.criterionValues()));
        out.addProperty("finish_reason", result.finishReason().name().toLowerCase(java.util.Locale.ROOT));
        out.addProperty("mean_steps", result.meanSteps());
        System.out.println(Json.GSON.toJson(out));
        return 0;
    }
}
