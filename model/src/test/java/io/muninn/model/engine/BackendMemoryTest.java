package io.muninn.model.engine;

import static io.muninn.model.engine.EngineConsistencyTest.generateBatched;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.backend.Backend;
import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.Segment;
import io.muninn.model.backend.StepLogits;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.kv.SequenceKv;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine keeps every entry's state and injection in the backend's memory ({@link LatentRows}) and frees both as
 * the entry exits; no state reaches the heap during a token, latent criteria's checks included. Measured through the real ND4J backend with a
 * decorator that counts the blocks it hands out and the heap copies the engine asks for.
 */
class BackendMemoryTest {
    private static final ModelConfig CONFIG = RandomWeights.config(64, 97, 128, 8);
    private static final ModelWeights WEIGHTS = RandomWeights.create(CONFIG, 11, 0.08);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kl", "latent-diff", "none"})
    void everyBlockIsFreedAtExitAndResultsAreTheBackendsOwn(String criterion) {
        ExitPolicy policy = new ExitPolicy(ExitCriterion.of(criterion, criterion.equals("kl") ? 5e-4 : 0.2), 0, 8, 1, false);
        Counting counting = new Counting(new Nd4jKernels());
        List<List<Integer>> counted = generateBatched(engine(counting), 5, policy);
        List<List<Integer>> plain = generateBatched(engine(new Nd4jKernels()), 5, policy);

        assertThat(counted).isEqualTo(plain);
        int blocks = criterion.equals("latent-diff") ? 3 : 2;
        assertThat(counting.opened).as("a state and an injection per forward call, and for a latent criterion the"
                + " state at the previous check").isEqualTo(blocks * 5 * 5);
        assertThat(counting.closed).as("all freed as their entries exited").isEqualTo(counting.opened);
        assertThat(counting.heapCopies).as("no state crosses to the heap without warm start, latent checks included")
                .isZero();
        if (criterion.equals("latent-diff")) {
            assertThat(counting.latentChecks).as("latent checks ran in the backend").isPositive();
        }
    }

    @Test
    void releasingASequenceMidTokenFreesItsBlocks() {
        Counting counting = new Counting(new Nd4jKernels());
        RecurrentDepthEngine e = engine(counting);
        List<Sequence> sequences = new ArrayList<>();
        List<StepEntry> entries = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Sequence seq = e.newSequence(s, 1.0, false);
            sequences.add(seq);
            entries.add(e.prefill(seq, new int[] {4, 8, 15}, true, ExitPolicy.fixedSteps(8)));
        }
        e.step(entries);
        e.step(entries);
        assertThat(entries).noneMatch(StepEntry::exited);
        assertThat(counting.opened).isEqualTo(6);
        assertThat(counting.closed).isZero();

        e.release(sequences.get(1)); // ended or preempted mid-token
        assertThat(counting.closed).isEqualTo(2);
        assertThatThrownBy(() -> e.step(entries)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("released sequence");
        sequences.forEach(e::release);
        assertThat(counting.closed).isEqualTo(6);
        assertThat(e.pool().bytesInUse()).isZero();
    }

    private static RecurrentDepthEngine engine(Backend backend) {
        return new RecurrentDepthEngine(WEIGHTS, backend, new EngineOptions("latest-m4", 8, 32L << 20, 4));
    }

    /** The real backend, counting the blocks it opens and closes and the heap copies read from them. */
    private static final class Counting implements Backend {
        private final Backend inner;
        int opened;
        int closed;
        int heapCopies;
        int latentChecks;

        Counting(Backend inner) {
            this.inner = inner;
        }

        @Override
        public StepModel bind(ModelWeights weights, KvBlockPool pool, KvLayout layout) {
            StepModel model = inner.bind(weights, pool, layout);
            return new StepModel() {
                @Override
                public Scope openStep() {
                    return model.openStep();
                }

                @Override
                public LatentRows upload(float[] values, int rows) {
                    return new Tracked(model.upload(values, rows));
                }

                @Override
                public LatentRows[] prelude(int[] tokens, int[] positions, List<Segment> segments) {
                    LatentRows[] out = model.prelude(tokens, positions, segments);
                    for (int i = 0; i < out.length; i++) {
                        out[i] = new Tracked(out[i]);
                    }
                    return out;
                }

                @Override
                public void iterate(LatentRows[] states, LatentRows[] injections, int[] positions, List<Segment> segments,
                        int[] iterations) {
                    model.iterate(unwrap(states), unwrap(injections), positions, segments, iterations);
                }

                @Override
                public StepLogits tail(LatentRows[] states, int[] positions, List<Segment> segments, int[] headRows) {
                    return model.tail(unwrap(states), positions, segments, headRows);
                }

                @Override
                public double[] checkLatents(List<ExitCheck> checks, LatentRows[] states, LatentRows[] previous) {
                    latentChecks += checks.size();
                    return model.checkLatents(checks, unwrap(states), unwrap(previous));
                }

                @Override
                public ReplayPass startLockstepReplay(SequenceKv kv, int first, int[] tokens, int[] exitSteps,
                        InitialStates s0, int maxRowsPerSlice) {
                    return model.startLockstepReplay(kv, first, tokens, exitSteps, s0, maxRowsPerSlice);
                }
            };
        }

        private static LatentRows[] unwrap(LatentRows[] blocks) {
            List<LatentRows> out = new ArrayList<>();
            for (LatentRows b : blocks) {
                out.add(((Tracked) b).inner);
            }
            return out.toArray(LatentRows[]::new);
        }

        private final class Tracked implements LatentRows {
            private final LatentRows inner;
            private boolean open = true;

            Tracked(LatentRows inner) {
                this.inner = inner;
                opened++;
            }

            @Override
            public int rows() {
                return inner.rows();
            }

            @Override
            public float[] toHeap() {
                heapCopies++;
                return inner.toHeap();
            }

            @Override
            public float[] rowToHeap(int row) {
                heapCopies++;
                return inner.rowToHeap(row);
            }

            @Override
            public void close() {
                if (open) {
                    closed++;
                    open = false;
                }
                inner.close();
            }
        }
    }
}
