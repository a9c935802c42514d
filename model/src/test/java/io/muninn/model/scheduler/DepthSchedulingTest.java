package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.KlDivergenceExit;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.golden.GoldenScenario;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Step budgets and latency relaxation on the golden tiny model's real engine. */
class DepthSchedulingTest {
    private static final ModelWeights WEIGHTS = GoldenScenario.all().get(0).weights();
    private static final long KV = 8L << 20;

    private static GenerationParams fixed(int steps, int maxNew) {
        return new GenerationParams(maxNew, ExitPolicy.fixedSteps(steps), new GreedySampler(), 1, 0.0, false, Set.of());
    }

    private static SchedulerHarness harness(LatencyTargetController latency) {
        return new SchedulerHarness(WEIGHTS, "latest-m4", 32, KV, SchedulerOptions.defaults(), latency);
    }

    /**
     * A harness whose every token gap is over a 1 ns target, with no dwell: the relaxation stage rises each
     * micro-batch up to {@code maxStage}.
     */
    private static SchedulerHarness relaxingHarness(int maxStage) {
        AtomicLong nanos = new AtomicLong();
        return harness(new LatencyTargetController(new LatencyTarget(1, 1_000_000_000L, 0, 0.5, maxStage),
                () -> nanos.addAndGet(1_000)));
    }

    /** The same request twice: "relaxed" accepts relaxation, "strict" opted out (strict_depth). */
    private static void submitRelaxedAndStrict(SchedulerHarness h, int[] prompt, GenerationParams params) {
        submitRelaxedAndStrict(h, prompt, params, params);
    }

    /** The same prompt with other parameters for the strict request. */
    private static void submitRelaxedAndStrict(SchedulerHarness h, int[] prompt, GenerationParams relaxed,
            GenerationParams strict) {
        h.scheduler.submit(new SequenceRequest("relaxed", prompt, relaxed, Long.MAX_VALUE, DepthLimits.NONE));
        h.scheduler.submit(new SequenceRequest("strict", prompt, strict, Long.MAX_VALUE,
                new DepthLimits(DepthLimits.NO_BUDGET, true)));
    }

    @Test
    void aBudgetCapsTheLastTokensAndTheOutcomeSaysItBound() {
        SchedulerHarness h = harness(null);
        h.scheduler.submit(new SequenceRequest("tight", new int[] {3, 4}, fixed(8, 4), Long.MAX_VALUE,
                new DepthLimits(20, false)));
        h.scheduler.submit(new SequenceRequest("generous", new int[] {3, 4}, fixed(8, 4), Long.MAX_VALUE,
                new DepthLimits(32, false)));
        h.scheduler.submit(SequenceRequest.of("none", new int[] {3, 4}, fixed(8, 4)));
        h.runToCompletion(100);

        SequenceOutcome tight = h.listener.finished.get("tight");
        assertThat(tight.exitSteps()).containsExactly(8, 8, 3, 1);
        assertThat(tight.totalSteps()).isEqualTo(20);
        assertThat(tight.budgetBound()).isTrue();
        SequenceOutcome generous = h.listener.finished.get("generous");
        assertThat(generous.exitSteps()).containsExactly(8, 8, 8, 8);
        assertThat(generous.budgetBound()).isFalse();
        assertThat(h.listener.finished.get("none").budgetBound()).isFalse();
        assertThat(generous.tokens()).isEqualTo(h.listener.finished.get("none").tokens());
    }

    @Test
    void aSequenceRestoredMidBudgetCapsItsTokensAsAnUninterruptedRunDoes() {
        SequenceRequest request = new SequenceRequest("r", new int[] {5, 6, 7}, fixed(8, 5), Long.MAX_VALUE,
                new DepthLimits(21, false));
        SchedulerHarness whole = harness(null);
        whole.scheduler.submit(request);
        whole.runToCompletion(100);

        SchedulerHarness first = harness(null);
        first.scheduler.submit(request);
        while (first.listener.tokens.size() < 3) {
            first.step();
        }
        SchedulerHarness second = harness(null);
        second.scheduler.restore(request, first.scheduler.progress().get("r"));
        second.runToCompletion(100);

        SequenceOutcome expected = whole.listener.finished.get("r");
        SequenceOutcome restored = second.listener.finished.get("r");
        assertThat(expected.exitSteps()).containsExactly(8, 8, 3, 1, 1);
        assertThat(restored.exitSteps()).isEqualTo(expected.exitSteps());
        assertThat(restored.tokens()).isEqualTo(expected.tokens());
        assertThat(restored.budgetBound()).isTrue();
    }

    @Test
    void aRelaxedStageShortensOnlyTheTokensOfRequestsThatDidNotOptOut() {
        SchedulerHarness h = relaxingHarness(4);
        submitRelaxedAndStrict(h, new int[] {3, 4}, fixed(8, 12));
        h.runToCompletion(500);

        SequenceOutcome relaxed = h.listener.finished.get("relaxed");
        SequenceOutcome strict = h.listener.finished.get("strict");
        assertThat(strict.exitSteps()).containsOnly(8);
        assertThat(strict.depthStage()).isZero();
        assertThat(relaxed.exitSteps()[0]).as("before any gap was measured").isEqualTo(8);
        assertThat(relaxed.exitSteps()[relaxed.exitSteps().length - 1]).as("stage 4 halves max_steps").isEqualTo(4);
        assertThat(java.util.Arrays.stream(relaxed.exitSteps()).boxed().toList()).isSubsetOf(4, 6, 8);
        assertThat(relaxed.depthStage()).isEqualTo(4);
        assertThat(h.scheduler.relaxationStage()).isEqualTo(4);
    }

    @Test
    void theLastStageCapsAtTheDepthUnrelaxedTokensUsedNotAtHalfOfMaxSteps() {
        SchedulerHarness h = relaxingHarness(4);
        // the strict request's tokens run unrelaxed at 2 steps: the depth in use, far below max_steps 8
        submitRelaxedAndStrict(h, new int[] {3, 4}, fixed(8, 12), fixed(2, 40));
        h.runToCompletion(500);

        SequenceOutcome relaxed = h.listener.finished.get("relaxed");
        assertThat(h.listener.finished.get("strict").exitSteps()).containsOnly(2);
        assertThat(relaxed.exitSteps()[0]).as("before any gap was measured").isEqualTo(8);
        assertThat(relaxed.exitSteps()[relaxed.exitSteps().length - 1])
                .as("stage 4 caps at the window's p75, 2, below ceil(8/2)").isEqualTo(2);
        assertThat(relaxed.depthStage()).isEqualTo(4);
    }

    @Test
    void aLooserKlThresholdEndsTheSameTokenSoonerForTheRequestThatDidNotOptOut() {
        // stages 1-2 only: the threshold grows (x4, x16), the step cap stays
        SchedulerHarness h = relaxingHarness(2);
        h.scheduler.submit(SequenceRequest.of("warm-up", new int[] {3, 4}, fixed(4, 6)));
        while (h.scheduler.relaxationStage() < 2) {
            h.step();
        }
        ExitPolicy kl = new ExitPolicy(new KlDivergenceExit(5e-4), 0, 32, 1, true);
        var params = new GenerationParams(1, kl, new GreedySampler(), 7, 1.0, false, Set.of());
        submitRelaxedAndStrict(h, new int[] {90, 12, 45, 7, 33}, params);
        h.runToCompletion(500);

        int relaxed = h.listener.finished.get("relaxed").exitSteps()[0];
        int strict = h.listener.finished.get("strict").exitSteps()[0];
        assertThat(relaxed).as("same prompt and seed, threshold x16").isLessThan(strict);
        assertThat(h.listener.finished.get("relaxed").depthStage()).isEqualTo(2);
    }

    @Test
    void withoutATargetNothingIsRelaxed() {
        SchedulerHarness h = harness(null);
        h.scheduler.submit(SequenceRequest.of("r", new int[] {3, 4}, fixed(8, 6)));
        h.runToCompletion(100);
        assertThat(h.listener.finished.get("r").exitSteps()).containsOnly(8);
        assertThat(h.listener.finished.get("r").depthStage()).isZero();
        assertThat(h.scheduler.relaxationStage()).isZero();
    }
}
