package io.muninn.model.weights;

import io.muninn.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded random weights for a config, for benchmarks and tests that need a model of a given size but no trained
 * behaviour. Linear weights are N(0, std²), norms are ones, qk biases small.
 */
public final class RandomWeights {
    private RandomWeights() {}

    /** A Huginn-layout config (2/4/2) with head dim 64 and an MLP of 3.5 × hidden. */
    public static ModelConfig config(int hidden, int vocab, int blockSize, int meanRecurrence) {
        int heads = Math.max(1, hidden / 64);
        int inner = ((hidden * 7 / 2) + 63) / 64 * 64;
        return new ModelConfig("huginn_raven", hidden, heads, heads, 2, 4, 2, inner, vocab, blockSize, true, true,
                1e-6, 50_000.0, meanRecurrence, Math.sqrt(2.0 / (5.0 * hidden)), Math.sqrt(hidden), 0,
                List.of(1), 2);
    }

    public static ModelWeights create(ModelConfig c, long seed, double std) {
        return create(c, seed, std, 1.0);
    }

    /**
     * Like {@link #create(ModelConfig, long, double)}, with the adapter's state half scaled by {@code stateCoupling}:
     * how strongly one iteration depends on the previous state. Smaller couplings make the recurrence contract
     * sooner, so exit criteria fire after fewer steps; a spread of couplings across tokens comes from the inputs.
     */
    public static ModelWeights create(ModelConfig c, long seed, double std, double stateCoupling) {
        Nd4j.getRandom().setSeed(seed);
        int h = c.hiddenSize();
        INDArray embedding = normal(std, c.vocabSize(), h);
        INDArray adapter = normal(std, h, 2 * h);
        adapter.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, h))
                .muli(stateCoupling);
        return new ModelWeights(c, embedding, embedding, layers(c, c.preludeLayers(), std), layers(c, c.coreLayers(), std),
                layers(c, c.codaLayers(), std), adapter, ones(h), null);
    }

    /**
     * Like {@link #create(ModelConfig, long, double, double)}, with every token's embedding row scaled by
     * {@code exp(spread · z)}, z standard normal per token: a token that injects strongly pins the recurrence down
     * within few steps, a weak one leaves it to its own dynamics for longer, so exit steps spread across tokens as a
     * trained model's do. The head keeps the unscaled rows, so the scale does not decide which token comes next.
     */
    public static ModelWeights createWithSpread(ModelConfig c, long seed, double std, double stateCoupling, double spread) {
        ModelWeights w = create(c, seed, std, stateCoupling);
        INDArray head = w.embedding().dup();
        INDArray scales = Nd4j.randn(DataType.FLOAT, c.vocabSize(), 1).muli(spread);
        INDArray embedding = w.embedding().mulColumnVector(org.nd4j.linalg.ops.transforms.Transforms.exp(scales, false));
        return new ModelWeights(c, embedding, head, w.prelude(), w.core(), w.coda(), w.adapter(), w.lnF(), w.ropeTable());
    }

    private static List<LayerWeights> layers(ModelConfig c, int count, double std) {
        int h = c.hiddenSize();
        int inner = c.intermediateSize();
        List<LayerWeights> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new LayerWeights(ones(h), ones(h), ones(h), ones(h), normal(0.02, h), normal(0.02, h),
                    normal(std, 3 * h, h), normal(std, h, h), normal(std, 2 * inner, h), normal(std, h, inner)));
        }
        return out;
    }

    private static INDArray normal(double std, long... shape) {
        return Nd4j.randn(DataType.FLOAT, shape).muli(std);
    }

    private static INDArray ones(int n) {
        return Nd4j.ones(DataType.FLOAT, n);
    }
}
