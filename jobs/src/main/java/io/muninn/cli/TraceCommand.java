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

    @Mixin
    ModelAndTokens input;

    @Option(names = "--max-new-tokens", defaultValue = "16", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--stop", split = ",", description = "Stop token ids (default: the config's eos ids).")
    List<Integer> stop;

    @Mixin
    CriterionOptions exitOptions;

    @Mixin
    StepCapOption stepCap;

    @Option(names = "--min-steps", defaultValue = "0", description = "Steps before the first check (default: ${DEFAULT-VALUE}).")
    int minSteps;

    @Option(names = "--check-every", defaultValue = "1", description = "Check the criterion every n steps (default: ${DEFAULT-VALUE}).")
    int checkEvery;

    @Mixin
    ExitInPrefillOption exitInPrefill;

    @Mixin
    InitialStateOptions initialState;

    @Option(names = "--warm-start", description = "Start each token from the previous token's exit latent (continuous CoT).")
    boolean warmStart;

    @ArgGroup(exclusive = true)
    SamplingOptions sampling;

    @Mixin
    KvStrategyOption kv;

    @Override
    public Integer call() {
        int[] tokens = input.tokenIds.ids();
        ModelWeights weights = WeightsLoader.load(input.model);
        int steps = stepCap.resolve(weights.config());
        ExitCriterion exit = exitOptions.exitCriterion();
        ExitPolicy policy = new ExitPolicy(exit, minSteps, steps, checkEvery, exitInPrefill.value());
        SamplingParams sp = SamplingOptions.params(sampling);
        Set<Integer> stops = stop != null ? new HashSet<>(stop) : new HashSet<>(weights.config().eosTokenIds());
        GenerationParams params = new GenerationParams(maxNewTokens, policy, sp.toSampler(), initialState.seed,
                initialState.initScale, warmStart, stops);
        var engine = EngineFactory.forSequence(weights, kv.strategy(), steps, tokens.length + maxNewTokens);
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
