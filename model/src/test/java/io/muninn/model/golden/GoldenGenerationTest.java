package io.muninn.model.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.generate.GenerationResult;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.kernel.Nd4jKernels;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adaptive generation parity with the PyTorch reference: exact tokens and exit steps for every criterion, KV
 * strategy and sampler in generations.json; criterion values to float precision. Scenarios whose prompt the engine
 * may split also run with 2-row prefill chunks, which must not change anything.
 */
class GoldenGenerationTest {

    static Stream<Arguments> scenarios() {
        return GoldenScenario.all().stream().flatMap(s -> s.chunkable()
                ? Stream.of(Arguments.of(s.name(), 256, s), Arguments.of(s.name(), 2, s))
                : Stream.of(Arguments.of(s.name(), 256, s)));
    }

    @ParameterizedTest(name = "{0} (prefill chunk {1})")
    @MethodSource("scenarios")
    void generationMatchesTheReference(String name, int prefillChunk, GoldenScenario s) {
        int maxSteps = s.params().exit().maxSteps();
        int positions = s.prompt().length + s.params().maxNewTokens();
        RecurrentDepthEngine engine = new RecurrentDepthEngine(s.weights(), new Nd4jKernels(), new EngineOptions(s.kvStrategy(),
                maxSteps, RecurrentDepthEngine.kvBytesFor(s.weights().config(), s.kvStrategy(), maxSteps, 16, positions), 16));

        GenerationResult result = new SingleSequenceGenerator(engine, prefillChunk).generate(s.prompt(), s.params());

        assertThat(result.tokens()).as("tokens").containsExactly(s.expectedTokens());
        assertThat(result.exitSteps()).as("exit steps").containsExactly(s.expectedExitSteps());
        double[] values = s.expectedValues();
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
