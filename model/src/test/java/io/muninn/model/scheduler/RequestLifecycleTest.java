package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.golden.GoldenScenario;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.scheduler.RequestLifecycle.State;
import io.muninn.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One request is one {@link RequestLifecycle} from submission to its completion: its state moves waiting, (replaying,)
 * active, done; its record is the one the outcome and the checkpoint progress are built from; what a serving layer
 * attaches to it is there until its {@code onFinished} returns.
 */
class RequestLifecycleTest {
    private static final ModelWeights WEIGHTS = GoldenScenario.all().get(0).weights();
    private static final int[] PROMPT = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    private static final SchedulerOptions SMALL = new SchedulerOptions(4, 1, 3, AdmissionPolicy.RESERVE_WORST_CASE);

    private static GenerationParams fixed(int steps, int maxNew) {
        return new GenerationParams(maxNew, ExitPolicy.fixedSteps(steps), new GreedySampler(), 1, 0.0, false, Set.of());
    }

    private static SchedulerHarness harness() {
        return new SchedulerHarness(WEIGHTS, "latest-m4", 32, 8L << 20, SMALL);
    }

    @Test
    void aRequestMovesFromWaitingThroughActiveToDoneAndItsOutcomeIsItsRecord() {
        SchedulerHarness h = harness();
        RequestLifecycle first = h.scheduler.submit(SequenceRequest.of("first", PROMPT, fixed(4, 3)));
        RequestLifecycle second = h.scheduler.submit(SequenceRequest.of("second", PROMPT, fixed(4, 3)));
        assertThat(first.state()).isEqualTo(State.WAITING);
        assertThat(h.scheduler.lifecycle("first")).isSameAs(first);
        h.step();
        assertThat(first.state()).isEqualTo(State.ACTIVE);
        assertThat(second.state()).as("one active sequence at most").isEqualTo(State.WAITING);
        h.runToCompletion(500);
        assertThat(first.state()).isEqualTo(State.DONE);
        assertThat(h.scheduler.lifecycle("first")).as("forgotten after its completion").isNull();
        assertThat(h.scheduler.isLive("first")).isFalse();
        SequenceOutcome o = h.listener.finished.get("first");
        assertThat(o.tokens()).isEqualTo(first.progress().tokens()).hasSize(3);
        assertThat(o.exitSteps()).isEqualTo(first.progress().exitSteps()).containsExactly(4, 4, 4);
        assertThat(first.generated()).isEqualTo(3);
    }

    @Test
    void aRestoredRequestReplaysThenContinuesAndKeepsItsDepthStage() {
        SchedulerHarness whole = harness();
        whole.scheduler.submit(SequenceRequest.of("r", PROMPT, fixed(8, 6)));
        whole.runToCompletion(500);
        SequenceOutcome reference = whole.listener.finished.get("r");
        assertThat(reference.depthStage()).as("no latency target").isZero();

        SequenceProgress progress = new SequenceProgress(Arrays.copyOf(reference.tokens(), 3),
                Arrays.copyOf(reference.exitSteps(), 3), Arrays.copyOf(reference.criterionValues(), 3), 2);
        SchedulerHarness h = harness();
        RequestLifecycle l = h.scheduler.restore(SequenceRequest.of("r", PROMPT, fixed(8, 6)), progress);
        assertThat(l.progress()).as("the restored value, while nothing was added").isSameAs(progress);
        List<State> seen = new ArrayList<>();
        while (h.scheduler.hasWork()) {
            h.step();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != l.state()) {
                seen.add(l.state());
            }
        }
        assertThat(seen).containsExactly(State.REPLAYING, State.ACTIVE, State.DONE);
        SequenceOutcome restored = h.listener.finished.get("r");
        assertThat(restored.tokens()).isEqualTo(reference.tokens());
        assertThat(restored.exitSteps()).isEqualTo(reference.exitSteps());
        assertThat(restored.depthStage()).as("the stage its restored tokens ran under").isEqualTo(2);
    }

    @Test
    void whatAServingLayerAttachesIsReadableUntilOnFinishedReturns() {
        List<String> seenAtFinish = new ArrayList<>();
        StepScheduler[] scheduler = new StepScheduler[1];
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(TokenOutput token) {}

            @Override
            public void onFinished(SequenceOutcome outcome) {
                RequestLifecycle l = scheduler[0].lifecycle(outcome.requestId());
                seenAtFinish.add(l.attachment(String.class) + " " + l.state());
            }
        };
        scheduler[0] = new StepScheduler(harness().engine, SMALL, listener, null, () -> 0L);
        scheduler[0].submit(SequenceRequest.of("a", PROMPT, fixed(2, 1))).attach("facts of a");
        assertThat(scheduler[0].cancel("a")).isTrue();
        assertThat(seenAtFinish).containsExactly("facts of a DONE");
        assertThat(scheduler[0].lifecycle("a")).isNull();
    }

    @Test
    void anIdIsReusableOnlyAfterItsCompletion() {
        SchedulerHarness h = harness();
        h.scheduler.submit(SequenceRequest.of("a", PROMPT, fixed(2, 1)));
        assertThatThrownBy(() -> h.scheduler.submit(SequenceRequest.of("a", PROMPT, fixed(2, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is already active");
        assertThat(h.scheduler.cancel("a")).isTrue();
        assertThat(h.listener.finished.get("a").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(h.scheduler.submit(SequenceRequest.of("a", PROMPT, fixed(2, 1))).state()).isEqualTo(State.WAITING);
    }

    @Test
    void aGapThatSpansAPreemptionIsMarkedSoTheLatencyTargetSkipsIt() {
        RequestLifecycle l = new RequestLifecycle(SequenceRequest.of("p", PROMPT, fixed(4, 4)), SequenceProgress.NONE);
        l.onToken(1, 4, Double.NaN, 0, 1_000);
        assertThat(l.lastTokenGapNanos()).as("one token: no gap yet").isEqualTo(-1);
        assertThat(l.lastGapSpansPreemption()).isFalse();
        l.onToken(2, 4, Double.NaN, 0, 3_000);
        assertThat(l.lastTokenGapNanos()).isEqualTo(2_000);
        assertThat(l.lastGapSpansPreemption()).isFalse();
        l.requeue(); // preempted: the next gap includes the wait for readmission and the replay
        l.onToken(3, 4, Double.NaN, 0, 50_000);
        assertThat(l.lastTokenGapNanos()).as("the user still felt it").isEqualTo(47_000);
        assertThat(l.lastGapSpansPreemption()).isTrue();
        l.onToken(4, 4, Double.NaN, 0, 52_000);
        assertThat(l.lastGapSpansPreemption()).as("only the one gap").isFalse();
    }
}
