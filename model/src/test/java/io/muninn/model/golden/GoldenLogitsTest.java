package io.muninn.model.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kernel.Nd4jKernels.MatrixProducts;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Logit parity with the independent PyTorch reference (tools/reference): a fresh forward of each sequence at each
 * recurrence depth, every position, within 1e-4, with the default matrix products (direct BLAS at these sizes) and
 * with oneDNN's packed matmul forced on (what a full-size model runs).
 */
class GoldenLogitsTest {

    static Stream<Arguments> cases() {
        return Stream.of("tiny-random", "tiny-random-untied").flatMap(model -> {
            JsonObject file = GoldenFixtures.read(GoldenFixtures.ROOT.resolve(model).resolve("logits.json"));
            return GoldenFixtures.objects(file.getAsJsonArray("cases")).stream().flatMap(c -> Stream.of(
                    MatrixProducts.AUTO, MatrixProducts.PACKED).map(products -> Arguments.of(
                    model, c.getAsJsonArray("tokens").size(), c.get("num_steps").getAsInt(),
                    c.get("init_scale").getAsDouble(), products, c)));
        });
    }

    @ParameterizedTest(name = "{0}: {1} tokens, {2} steps, init_scale {3}, {4} matrix products")
    @MethodSource("cases")
    void logitsMatchTheReference(String model, int length, int steps, double initScale, MatrixProducts products, JsonObject c) {
        ModelWeights weights = WeightsLoader.load(GoldenFixtures.ROOT.resolve(model));
        RecurrentDepthEngine engine = new RecurrentDepthEngine(weights, new Nd4jKernels(products),
                new EngineOptions("full", steps, RecurrentDepthEngine.kvBytesFor(weights.config(), "full", steps, 16, length), 16));
        StepEntry entry = engine.fixedDepth(engine.newSequence(c.get("seed").getAsLong(), initScale, false),
                GoldenFixtures.ints(c.getAsJsonArray("tokens")), steps);
        while (!entry.exited()) {
            engine.step(List.of(entry));
        }
        JsonArray expected = c.getAsJsonArray("logits");
        float[][] actual = entry.allLogits();
        assertThat(actual.length).as("rows").isEqualTo(expected.size());
        for (int p = 0; p < actual.length; p++) {
            double[] row = GoldenFixtures.doubles(expected.get(p).getAsJsonArray());
            assertThat(actual[p]).hasSize(row.length);
            for (int v = 0; v < row.length; v++) {
                assertThat((double) actual[p][v]).as("position %s, token %s", p, v).isCloseTo(row[v], within(1e-4));
            }
        }
    }
}
