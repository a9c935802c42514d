package io.muninn.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Several engines over one copy of the weights (as the Flink operator's slots share {@code weights.SharedWeights}),
 * each stepped by its own thread at the same time: every engine generates what an engine alone does, and the weights
 * are bit for bit what they were (no step writes to them).
 */
class SharedWeightsEnginesTest {
    private static final ModelConfig CONFIG = RandomWeights.config(64, 97, 128, 8);
    private static final ExitPolicy POLICY = new ExitPolicy(ExitCriterion.of("latent-diff", 0.2), 0, 8, 1, false);
    private static final int THREADS = 3;
    private static final int SEQUENCES = 8;

    @Test
    void enginesSteppingConcurrentlyOverSharedWeightsMatchAnEngineAlone() throws Exception {
        ModelWeights shared = RandomWeights.create(CONFIG, 11, 0.08);
        List<INDArray> before = new ArrayList<>();
        for (INDArray a : shared.arrays()) {
            before.add(a.dup());
        }
        List<List<Integer>> alone = EngineConsistencyTest.generateBatched(engine(shared), SEQUENCES, POLICY);
        RecurrentDepthEngine.releaseThreadMemory();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<List<List<Integer>>>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                runs.add(pool.submit(() -> {
                    RecurrentDepthEngine engine = engine(shared); // its own KV pool; its thread's own step arena
                    start.await(30, TimeUnit.SECONDS);
                    try {
                        List<List<Integer>> out = new ArrayList<>();
                        for (int round = 0; round < 2; round++) {
                            out = EngineConsistencyTest.generateBatched(engine, SEQUENCES, POLICY);
                        }
                        return out;
                    } finally {
                        RecurrentDepthEngine.releaseThreadMemory();
                    }
                }));
            }
            for (Future<List<List<Integer>>> run : runs) {
                assertThat(run.get(120, TimeUnit.SECONDS)).isEqualTo(alone);
            }
        } finally {
            pool.shutdownNow();
        }
        List<INDArray> after = shared.arrays();
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.get(i).data().asFloat()).as("array %s", i).containsExactly(before.get(i).data().asFloat());
        }
        assertThat(alone.stream().flatMap(List::stream).distinct().count()).as("tokens and exit steps vary").isGreaterThan(4);
    }

    private static RecurrentDepthEngine engine(ModelWeights weights) {
        return new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions("latest-m4", 8, 32L << 20, 4));
    }
}
