package io.muninn.model.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.generate.GenerationResult;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kernel.Nd4jKernels.MatrixProducts;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden generations with oneDNN's packed matmul forced on for every weight (a full-size model's path; the
 * golden models are small enough that {@link GoldenGenerationTest} runs them on direct BLAS): the same tokens and
 * exit steps as the reference, exactly. Criterion values are held to twice {@link GoldenGenerationTest}'s
 * tolerance: another FP32 summation order moves them by about as much as BLAS's own distance from the float64
 * reference (over every golden value, the worst is 1.23 of that tolerance with oneDNN and 0.94 with BLAS, both on
 * the entropy difference of untied-entropy-latest-m4-compress-s6, a difference of two nearly equal entropies).
 */
class PackedGoldenGenerationTest {

    static Stream<Arguments> scenarios() {
        return GoldenScenario.all().stream().map(s -> Arguments.of(s.name(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void packedMatmulGivesTheReferenceTokensAndExitSteps(String name, GoldenScenario s) {
        int maxSteps = s.params().exit().maxSteps();
        int positions = s.prompt().length + s.params().maxNewTokens();
        RecurrentDepthEngine engine = new RecurrentDepthEngine(s.weights(), new Nd4jKernels(MatrixProducts.PACKED),
                new EngineOptions(s.kvStrategy(), maxSteps,
                        RecurrentDepthEngine.kvBytesFor(s.weights().config(), s.kvStrategy(), maxSteps, 16, positions), 16));

        GenerationResult result = new SingleSequenceGenerator(engine, 256).generate(s.prompt(), s.params());

        assertThat(result.tokens()).as("tokens").containsExactly(s.expectedTokens());
        assertThat(result.exitSteps()).as("exit steps").containsExactly(s.expectedExitSteps());
        double[] values = s.expectedValues();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                assertThat(result.criterionValues()[i]).as("criterion value %s", i)
                        .isCloseTo(values[i], within(2 * (1e-3 * Math.abs(values[i]) + 1e-6)));
            }
        }
    }
}
