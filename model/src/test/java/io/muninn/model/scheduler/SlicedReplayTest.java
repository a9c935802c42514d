package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.golden.GoldenScenario;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A restored sequence's lockstep replay runs a slice per scheduler step within the row limit, so other sequences
 * keep stepping (and new ones are admitted) while it is rebuilt; what it reports as progress meanwhile is its durable
 * tokens; it continues exactly as the uninterrupted run.
 */
class SlicedReplayTest {
    private static final ModelWeights WEIGHTS = GoldenScenario.all().get(0).weights();
    private static final int[] PROMPT = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    private static final int STEPS = 8;
    private static final int TOKENS = 6;
    private static final int RESTORED_AFTER = 3;
    /** Rows per step 4, prefill chunk (and replay slice) 3. */
    private static final SchedulerOptions SMALL = new SchedulerOptions(4, 4, 3, AdmissionPolicy.RESERVE_WORST_CASE);

    private static GenerationParams fixed(int steps, int maxNew) {
        return new GenerationParams(maxNew, ExitPolicy.fixedSteps(steps), new GreedySampler(), 1, 0.0, false, Set.of());
    }

    private static SchedulerHarness harness(SchedulerOptions options) {
        return new SchedulerHarness(WEIGHTS, "latest-m4", 32, 8L << 20, options);
    }

    private static SequenceOutcome uninterrupted() {
        SchedulerHarness h = harness(SchedulerOptions.defaults());
        h.scheduler.submit(SequenceRequest.of("r", PROMPT, fixed(STEPS, TOKENS)));
        h.runToCompletion(500);
        return h.listener.finished.get("r");
    }

    private static SequenceProgress restoredProgress(SequenceOutcome reference) {
        return new SequenceProgress(Arrays.copyOf(reference.tokens(), RESTORED_AFTER),
                Arrays.copyOf(reference.exitSteps(), RESTORED_AFTER),
                Arrays.copyOf(reference.criterionValues(), RESTORED_AFTER));
    }

    @Test
    void aReplayRunsASliceAStepWhileAnotherSequenceIsAdmittedAndCompletes() {
        SequenceOutcome reference = uninterrupted();
        SchedulerHarness h = harness(SMALL);
        SequenceProgress progress = restoredProgress(reference);
        h.scheduler.restore(SequenceRequest.of("r", PROMPT, fixed(STEPS, TOKENS)), progress);
        int firstNewTokenStep = -1;
        while (h.scheduler.hasWork()) {
            if (h.steps == 5) {
                // arrives during the replay: admitted at once and stepped alongside its slices
                h.scheduler.submit(SequenceRequest.of("other", new int[] {1}, fixed(2, 2)));
            }
            StepReport report = h.step();
            assertThat(report.rows()).as("rows of step %s", h.steps).isLessThanOrEqualTo(SMALL.maxRowsPerStep());
            if (h.scheduler.replayingCount() == 1) {
                assertThat(h.scheduler.progress().get("r")).as("a replaying sequence's progress is its durable tokens")
                        .isSameAs(progress);
            }
            if (firstNewTokenStep < 0 && !h.listener.tokenIds("r").isEmpty()) {
                firstNewTokenStep = h.steps;
            }
            assertThat(h.steps).isLessThan(500);
        }
        // prompt and every generated token but the last: 12 positions in chunks of 3, 8 iterations each
        int positions = PROMPT.length + RESTORED_AFTER - 1;
        assertThat(h.scheduler.stats().replaySlices()).isEqualTo((long) (positions / 3) * STEPS);
        assertThat(h.scheduler.stats().lockstepReplayedPositions()).isEqualTo(positions);
        assertThat(h.scheduler.stats().lockstepReplays()).isEqualTo(1);
        assertThat(h.listener.admittedAt.get("other")).isEqualTo(6);
        assertThat(h.listener.finished.get("other").tokens()).hasSize(2);
        assertThat(h.listener.finishOrder).as("the short request completes during the replay").containsExactly("other", "r");
        assertThat(firstNewTokenStep).as("the first new token follows every slice and one decode call")
                .isGreaterThan((positions / 3) * STEPS);
        SequenceOutcome restored = h.listener.finished.get("r");
        assertThat(restored.tokens()).containsExactly(reference.tokens());
        assertThat(restored.exitSteps()).containsExactly(reference.exitSteps());
        assertThat(h.engine.pool().bytesInUse()).isZero();
    }

    @Test
    void aDeadlineDuringTheReplayEndsItWithItsDurableTokensAndFreesItsCache() {
        SequenceOutcome reference = uninterrupted();
        SchedulerHarness h = harness(SMALL);
        h.scheduler.restore(SequenceRequest.of("r", PROMPT, fixed(STEPS, TOKENS)), restoredProgress(reference));
        for (int i = 0; i < 10; i++) {
            h.step();
        }
        assertThat(h.scheduler.replayingCount()).isEqualTo(1);
        assertThat(h.engine.pool().bytesInUse()).as("partly rebuilt").isPositive();
        assertThat(h.scheduler.expire("r")).isTrue();
        SequenceOutcome o = h.listener.finished.get("r");
        assertThat(o.reason()).isEqualTo(FinishReason.DEADLINE);
        assertThat(o.tokens()).containsExactly(Arrays.copyOf(reference.tokens(), RESTORED_AFTER));
        assertThat(h.listener.tokens).isEmpty();
        assertThat(h.scheduler.replayingCount()).isZero();
        assertThat(h.scheduler.hasWork()).isFalse();
        assertThat(h.engine.pool().bytesInUse()).isZero();
    }
}
