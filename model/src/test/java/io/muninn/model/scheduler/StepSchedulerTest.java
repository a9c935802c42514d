package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.golden.GoldenScenario;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Step-level continuous batching on the golden tiny model: delivery, admission, fairness, deadlines, cancels. */
class StepSchedulerTest {
    private static final ModelWeights WEIGHTS = GoldenScenario.all().get(0).weights();
    private static final long BUDGET = 8L << 20;

    private static GenerationParams fixed(int steps, int maxNew) {
        return new GenerationParams(maxNew, ExitPolicy.fixedSteps(steps), new GreedySampler(), 1, 0.0, false, Set.of());
    }

    private static SchedulerHarness harness(long budget, SchedulerOptions options) {
        return new SchedulerHarness(WEIGHTS, "latest-m4", 32, budget, options);
    }

    @Test
    void aTokenIsDeliveredTheStepItExitsWhileAHarderOneKeepsIterating() {
        SchedulerHarness h = harness(BUDGET, SchedulerOptions.defaults());
        h.scheduler.submit(SequenceRequest.of("easy", new int[] {3, 4}, fixed(2, 2)));
        h.scheduler.submit(SequenceRequest.of("hard", new int[] {5, 6, 7}, fixed(8, 1)));
        h.runToCompletion(20);

        assertThat(h.listener.tokens).extracting(t -> t.token().requestId() + "#" + t.token().index() + "@" + t.step())
                .containsExactly("easy#0@2", "easy#1@4", "hard#0@8");
        assertThat(h.listener.tokens).allSatisfy(t -> assertThat(t.token().converged()).isFalse());
        assertThat(h.listener.finishOrder).containsExactly("easy", "hard");
        assertThat(h.listener.finished.get("easy").reason()).isEqualTo(FinishReason.LENGTH);
        assertThat(h.scheduler.stats().meanRows()).isGreaterThan(1.0);
    }

    @Test
    void admissionWaitsForWorstCaseKvAndFollowsArrivalOrder() {
        long perSequence = new SchedulerHarness(WEIGHTS, "latest-m4", 32, BUDGET, SchedulerOptions.defaults())
                .engine.worstCaseKvBytes(4 + 3);
        SchedulerHarness h = harness(2 * perSequence, SchedulerOptions.defaults());
        for (int i = 0; i < 5; i++) {
            h.scheduler.submit(SequenceRequest.of("r" + i, new int[] {1 + i, 2, 3, 4}, fixed(3, 3)));
        }
        int maxActive = 0;
        while (h.scheduler.hasWork()) {
            StepReport r = h.step();
            maxActive = Math.max(maxActive, r.active());
            assertThat(r.kvBytesInUse()).isLessThanOrEqualTo(2 * perSequence);
        }
        assertThat(maxActive).isEqualTo(2);
        assertThat(h.listener.finishOrder).containsExactly("r0", "r1", "r2", "r3", "r4");
        assertThat(h.listener.finished.values()).allSatisfy(o -> assertThat(o.tokens()).hasSize(3));
    }

    @Test
    void aLongRequestIsNotStarvedByASteadyStreamOfShortOnes() {
        SchedulerHarness h = harness(BUDGET, new SchedulerOptions(8, 2, 4, AdmissionPolicy.RESERVE_WORST_CASE));
        h.scheduler.submit(SequenceRequest.of("short-0", new int[] {1}, fixed(2, 1)));
        h.scheduler.submit(SequenceRequest.of("long", new int[] {2, 3, 4, 5, 6, 7}, fixed(4, 6)));
        int submitted = 1;
        while (h.scheduler.isLive("long")) {
            h.scheduler.submit(SequenceRequest.of("short-" + submitted++, new int[] {submitted % 90}, fixed(2, 1)));
            h.step();
            assertThat(h.steps).as("the long request finishes").isLessThan(200);
        }
        assertThat(h.listener.finished.get("long").tokens()).hasSize(6);
        h.runToCompletion(400);
        // admission is FIFO: every short request submitted after "long" is admitted no earlier than it, and finishes
        // after it started
        int longAdmitted = h.listener.admittedAt.get("long");
        List<String> order = h.listener.finishOrder;
        assertThat(order.indexOf("short-0")).isLessThan(order.indexOf("long"));
        assertThat(submitted).as("short requests arrived while long ran").isGreaterThan(2);
        for (int i = 1; i < submitted; i++) {
            String id = "short-" + i;
            assertThat(h.listener.finished).as("%s finished", id).containsKey(id);
            assertThat(h.listener.admittedAt.get(id)).as("%s admitted after long", id)
                    .isGreaterThanOrEqualTo(longAdmitted);
            assertThat(h.listener.tokens).filteredOn(t -> t.token().requestId().equals(id)).singleElement()
                    .satisfies(t -> assertThat(t.step()).as("%s finishes after long started", id)
                            .isGreaterThan(longAdmitted));
        }
    }

    @Test
    void deadlinesEndSequencesWithWhatTheyGenerated() {
        SchedulerHarness h = harness(BUDGET, SchedulerOptions.defaults());
        h.scheduler.submit(new SequenceRequest("late", new int[] {1, 2}, fixed(2, 50), 1_010));
        h.scheduler.submit(new SequenceRequest("fine", new int[] {1, 2}, fixed(2, 3), Long.MAX_VALUE));
        for (int i = 0; i < 6; i++) {
            h.step();
        }
        h.clock.set(1_010);
        h.runToCompletion(50);
        SequenceOutcome late = h.listener.finished.get("late");
        assertThat(late.reason()).isEqualTo(FinishReason.DEADLINE);
        assertThat(late.tokens()).hasSize(3);
        assertThat(h.listener.finished.get("fine").reason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void cancelEndsActiveAndWaitingSequencesAndFreesTheirCache() {
        SchedulerHarness h = harness(BUDGET, new SchedulerOptions(8, 1, 4, AdmissionPolicy.RESERVE_WORST_CASE));
        h.scheduler.submit(SequenceRequest.of("a", new int[] {1, 2}, fixed(4, 10)));
        h.scheduler.submit(SequenceRequest.of("b", new int[] {3}, fixed(4, 10)));
        h.step();
        assertThat(h.scheduler.cancel("b")).isTrue();
        assertThat(h.scheduler.cancel("a")).isTrue();
        assertThat(h.scheduler.cancel("a")).isFalse();
        assertThat(h.listener.finished.get("a").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(h.listener.finished.get("b").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(h.scheduler.hasWork()).isFalse();
        assertThat(h.engine.pool().bytesInUse()).isZero();
    }

    @Test
    void aRequestLargerThanTheWholeBudgetEndsWithAnError() {
        SchedulerHarness h = harness(1L << 20, SchedulerOptions.defaults());
        h.scheduler.submit(SequenceRequest.of("huge", new int[] {1, 2, 3}, fixed(32, 60)));
        h.scheduler.submit(SequenceRequest.of("ok", new int[] {1}, fixed(2, 1)));
        h.runToCompletion(10);
        SequenceOutcome huge = h.listener.finished.get("huge");
        assertThat(huge.reason()).isEqualTo(FinishReason.ERROR);
        assertThat(huge.message()).startsWith("request needs up to ").contains("but the engine's KV budget is 1048576 bytes");
        assertThat(h.listener.finished.get("ok").reason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void preemptAndRecomputeGivesTheSameTokensAsAnUnpressuredRun() {
        GenerationParams deep = new GenerationParams(6, ExitPolicy.fixedSteps(12), new GreedySampler(), 9, 1.0, false, Set.of());
        SchedulerHarness roomy = harness(BUDGET, SchedulerOptions.defaults());
        long oneSequence = roomy.engine.worstCaseKvBytes(4 + 6);
        SchedulerHarness tight = new SchedulerHarness(WEIGHTS, "latest-m4", 32, oneSequence * 3 / 2,
                new SchedulerOptions(64, 8, 4, AdmissionPolicy.PREEMPT_RECOMPUTE));
        for (SchedulerHarness h : List.of(roomy, tight)) {
            for (int i = 0; i < 4; i++) {
                h.scheduler.submit(SequenceRequest.of("p" + i, new int[] {10 + i, 20, 30, 40}, deep));
            }
            h.runToCompletion(2_000);
        }
        assertThat(tight.scheduler.stats().preemptions()).as("the budget forces preemption").isPositive();
        for (int i = 0; i < 4; i++) {
            assertThat(tight.listener.finished.get("p" + i).tokens()).containsExactly(roomy.listener.finished.get("p" + i).tokens());
        }
        assertThat(tight.engine.pool().bytesInUse()).isZero();
    }

    @Test
    void aPromptThatMustBeOneChunkRunsAloneWhenItExceedsTheRowLimit() {
        SchedulerHarness h = new SchedulerHarness(WEIGHTS, "compress-s4", 32, BUDGET, new SchedulerOptions(4, 4, 2, AdmissionPolicy.RESERVE_WORST_CASE));
        h.scheduler.submit(SequenceRequest.of("short", new int[] {1}, fixed(3, 3)));
        h.scheduler.submit(SequenceRequest.of("long", new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, fixed(3, 2)));
        h.runToCompletion(100);
        assertThat(h.listener.finished.get("long").tokens()).hasSize(2);
        assertThat(h.listener.finished.get("short").tokens()).hasSize(3);
    }

    @Test
    void duplicateIdsOfLiveSequencesAreRefused() {
        SchedulerHarness h = harness(BUDGET, SchedulerOptions.defaults());
        h.scheduler.submit(SequenceRequest.of("x", new int[] {1}, fixed(2, 2)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.scheduler.submit(SequenceRequest.of("x", new int[] {1}, fixed(2, 2))))
                .hasMessage("request_id 'x' is already active");
        h.runToCompletion(10);
        h.scheduler.submit(SequenceRequest.of("x", new int[] {1}, fixed(2, 2)));
        assertThat(new ArrayList<>(h.listener.finishOrder)).containsExactly("x");
    }
}
