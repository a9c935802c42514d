package io.muninn.bench;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Linear;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One core-block step (adapter + the 4 core layers) of {@code rows} decode entries, each with {@value #CONTEXT}
 * earlier positions in its cache, beside a plain FP32 matmul of the step's widest shape with the matrix products the
 * engine uses (oneDNN over packed weights at these sizes), in the same run.
 * {@link CoreStepTable} turns the two into GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CoreStepBenchmark {
    static final int CONTEXT = 16;

    @Param({"1", "8", "32", "128"})
    public int rows;

    @Param({"256", "1024", "2048"})
    public int hidden;

    private RecurrentDepthEngine engine;
    private List<StepEntry> entries;
    private INDArray a;
    private Linear matmul;

    @Setup(Level.Trial)
    public void setUp() {
        ModelConfig config = RandomWeights.config(hidden, 256, 4096, 32);
        int cap = 1 << 20; // compress-s4 keeps one slot per core layer, so the step cap costs no memory
        long budget = RecurrentDepthEngine.kvBytesFor(config, "compress-s4", cap, 16, CONTEXT + 1) * rows;
        engine = new RecurrentDepthEngine(RandomWeights.create(config, 7, 0.02), new Nd4jKernels(),
                new EngineOptions("compress-s4", cap, budget, 16));
        ExitPolicy never = new ExitPolicy(ExitCriterion.withDefaultThreshold("none"), 0, cap, 1, false);
        entries = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            Sequence seq = engine.newSequence(r, 1.0, false);
            int[] prompt = new int[CONTEXT];
            for (int i = 0; i < CONTEXT; i++) {
                prompt[i] = (r * 31 + i * 7) % 256;
            }
            StepEntry prefill = engine.replayPrefill(seq, prompt, 1, never);
            engine.step(List.of(prefill));
            entries.add(engine.decode(seq, 5, never));
        }
        engine.step(entries); // prelude of every entry, outside the measurement
        a = Nd4j.rand(DataType.FLOAT, rows, hidden);
        // the matrix products the engine chose for this weight (oneDNN, packed once, at these sizes)
        matmul = new Nd4jKernels().prepare(Nd4j.rand(DataType.FLOAT, 2L * config.intermediateSize(), hidden));
    }

    @Benchmark
    public void coreStep() {
        engine.step(entries);
    }

    @Benchmark
    public INDArray plainMatmul() {
        return matmul.apply(a);
    }

    /** FLOPs of one core step: adapter state half, 4 layers of projections and MLP, attention over the context. */
    static double coreStepFlops(int rows, int hidden) {
        ModelConfig c = RandomWeights.config(hidden, 256, 4096, 32);
        double h = hidden;
        double inner = c.intermediateSize();
        double perRowLayer = 2 * (3 * h * h + h * h + 2 * inner * h + inner * h) + 4 * (CONTEXT + 1) * h;
        return rows * (2 * h * h + 4 * perRowLayer);
    }

    static double matmulFlops(int rows, int hidden) {
        return 2.0 * rows * hidden * 2 * RandomWeights.config(hidden, 256, 4096, 32).intermediateSize();
    }
}
