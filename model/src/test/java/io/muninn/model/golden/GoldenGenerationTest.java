package io.muninn.model.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.generate.GenerationResult;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.SamplingParams;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adaptive generation parity with the PyTorch reference: exact tokens and exit steps for every criterion, KV
 * strategy and sampler in generations.json; criterion values to float precision. Each scenario also runs with
 * the prompt prefilled in chunks of 2 rows where prefill cannot exit, which must not change anything.
 */
class GoldenGenerationTest {

    static Stream<Arguments> scenarios() {
        JsonObject file = GoldenFixtures.read(GoldenFixtures.ROOT.resolve("generations.json"));
        return GoldenFixtures.objects(file.getAsJsonArray("scenarios")).stream().flatMap(s -> {
            String name = s.get("name").getAsString();
            return chunkable(s.getAsJsonObject("inputs"))
                    ? Stream.of(Arguments.of(name, 256, s), Arguments.of(name, 2, s))
                    : Stream.of(Arguments.of(name, 256, s));
        });
    }

    /** Scenarios whose prompt the engine may split (others always prefill in one chunk, so a rerun adds nothing). */
    private static boolean chunkable(JsonObject in) {
        String kv = in.get("kv_strategy").getAsString();
        return !in.get("exit_in_prefill").getAsBoolean() && !kv.contains("compress") && !kv.startsWith("always-last");
    }

    @ParameterizedTest(name = "{0} (prefill chunk {1})")
    @MethodSource("scenarios")
    void generationMatchesTheReference(String name, int prefillChunk, JsonObject scenario) {
        JsonObject in = scenario.getAsJsonObject("inputs");
        JsonObject expected = scenario.getAsJsonObject("expected");
        ModelWeights weights = WeightsLoader.load(GoldenFixtures.ROOT.resolve(scenario.get("model").getAsString()));
        int maxSteps = in.get("max_steps").getAsInt();
        String kv = in.get("kv_strategy").getAsString();
        int[] prompt = GoldenFixtures.ints(in.getAsJsonArray("prompt"));
        int maxNew = in.get("max_new_tokens").getAsInt();

        ExitCriterion criterion = in.get("threshold").isJsonNull()
                ? ExitCriterion.withDefaultThreshold(in.get("criterion").getAsString())
                : ExitCriterion.of(in.get("criterion").getAsString(), in.get("threshold").getAsDouble());
        ExitPolicy policy = new ExitPolicy(criterion, in.get("min_steps").getAsInt(), maxSteps,
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
        GenerationParams params = new GenerationParams(maxNew, policy, sampling.toSampler(), in.get("seed").getAsLong(),
                in.get("init_scale").getAsDouble(), in.get("warm_start").getAsBoolean(), stops);
        RecurrentDepthEngine engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions(kv, maxSteps,
                RecurrentDepthEngine.kvBytesFor(weights.config(), kv, maxSteps, 16, prompt.length + maxNew), 16));

        GenerationResult result = new SingleSequenceGenerator(engine, prefillChunk).generate(prompt, params);

        assertThat(result.tokens()).as("tokens").containsExactly(GoldenFixtures.ints(expected.getAsJsonArray("tokens")));
        assertThat(result.exitSteps()).as("exit steps").containsExactly(GoldenFixtures.ints(expected.getAsJsonArray("exit_steps")));
        double[] values = GoldenFixtures.doubles(expected.getAsJsonArray("criterion_values"));
        assertThat(result.criterionValues()).hasSameSizeAs(values);
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                assertThat(result.criterionValues()[i]).as("criterion value %s", i).isNaN();
            } else {
                assertThat(result.criterionValues()[i]).as("criterion value %s", i)
                        .isCloseTo(values[i], within(1e-3 * Math.abs(values[i]) + 1e-6));
            }
        }
    }
}
