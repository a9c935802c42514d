package io.muninn.model.golden;

import com.google.gson.JsonObject;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One adaptive-generation scenario of generations.json: its inputs as Muninn types and the reference's expected
 * tokens and exit steps. Shared by the golden and scheduler tests.
 */
public record GoldenScenario(String name, String model, String kvStrategy, int[] prompt, GenerationParams params,
        int[] expectedTokens, int[] expectedExitSteps, double[] expectedValues) {

    private static final Map<String, ModelWeights> WEIGHTS = new ConcurrentHashMap<>();

    public static List<GoldenScenario> all() {
        JsonObject file = GoldenFixtures.read(GoldenFixtures.ROOT.resolve("generations.json"));
        return GoldenFixtures.objects(file.getAsJsonArray("scenarios")).stream().map(GoldenScenario::of).toList();
    }

    static GoldenScenario of(JsonObject scenario) {
        JsonObject in = scenario.getAsJsonObject("inputs");
        JsonObject expected = scenario.getAsJsonObject("expected");
        String criterionName = in.get("criterion").getAsString();
        ExitCriterion criterion = in.get("threshold").isJsonNull()
                ? ExitCriterion.withDefaultThreshold(criterionName)
                : ExitCriterion.of(criterionName, in.get("threshold").getAsDouble());
        ExitPolicy policy = new ExitPolicy(criterion, in.get("min_steps").getAsInt(), in.get("max_steps").getAsInt(),
                in.get("check_every").getAsInt(), in.get("exit_in_prefill").getAsBoolean());
        JsonObject s = in.getAsJsonObject("sampler");
        SamplingParams sampling = s.get("greedy").getAsBoolean()
                ? SamplingParams.greedyDecoding()
                : SamplingParams.sampling(s.get("temperature").getAsDouble(), s.get("top_k").getAsInt(),
                        s.get("top_p").getAsDouble(), s.get("min_p").getAsDouble());
        Set<Integer> stops = new HashSet<>();
        for (int id : GoldenFixtures.ints(in.getAsJsonArray("stop_token_ids"))) {
            stops.add(id);
        }
        GenerationParams params = new GenerationParams(in.get("max_new_tokens").getAsInt(), policy, sampling.toSampler(),
                in.get("seed").getAsLong(), in.get("init_scale").getAsDouble(), in.get("warm_start").getAsBoolean(), stops);
        return new GoldenScenario(scenario.get("name").getAsString(), scenario.get("model").getAsString(),
                in.get("kv_strategy").getAsString(), GoldenFixtures.ints(in.getAsJsonArray("prompt")), params,
                GoldenFixtures.ints(expected.getAsJsonArray("tokens")),
                GoldenFixtures.ints(expected.getAsJsonArray("exit_steps")),
                GoldenFixtures.doubles(expected.getAsJsonArray("criterion_values")));
    }

    /** The scenario's model, loaded once per test JVM. */
    public ModelWeights weights() {
        return WEIGHTS.computeIfAbsent(model, m -> WeightsLoader.load(modelDir(m)));
    }

    public static Path modelDir(String model) {
        return GoldenFixtures.ROOT.resolve(model);
    }

    /** Whether the engine may split this scenario's prompt into chunks. */
    public boolean chunkable() {
        return !params.exit().exitInPrefill() && !kvStrategy.contains("compress") && !kvStrategy.startsWith("always-last");
    }
}
