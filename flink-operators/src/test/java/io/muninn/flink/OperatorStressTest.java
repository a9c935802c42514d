package io.muninn.flink;

import static io.muninn.flink.RecurrentDepthOperatorTest.byRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.schemas.Completion;
import io.muninn.schemas.ExitReason;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;

/** The operator's metrics, its backpressure yield, and a restore under changed settings, in the keyed harness. */
class OperatorStressTest {

    @Test
    void metricsMoveAsRequestsAreAcceptedCompletedAndRejected() throws Exception {
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(TestRequests.settings(2), m.registry)) {
            assertThat(m.count("tokens")).isZero();
            assertThat(m.count("rejected")).isZero();
            assertThat(m.gauge("weightsBytes")).isPositive();
            assertThat(m.gauge("weightsSharedBy")).isPositive();
            assertThat(m.gauge("replayMillis")).as("no restore").isEqualTo(-1);

            h.sendRequests(4);
            h.send(TestRequests.request(1));                                 // duplicate of a running request
            Integer[] tooLong = new Integer[70];                             // block size 64
            java.util.Arrays.fill(tooLong, 7);
            h.send(TestRequests.tokens("too-long", 4, tooLong));
            assertThat(h.rejected()).extracting(RejectedRecord::getField).containsExactly("request_id", "input");
            assertThat(m.count("rejected")).isEqualTo(2);
            assertThat(m.gauge("waitingSequences")).as("accepted, not yet admitted").isEqualTo(4);
            assertThat(m.gauge("activeSequences")).isZero();

            h.step();
            assertThat(m.gauge("activeSequences")).as("max-active-sequences 2").isEqualTo(2);
            assertThat(m.gauge("waitingSequences")).isEqualTo(2);
            assertThat(m.gauge("kvBytesInUse")).isPositive();
            assertThat(m.count("rowsPerStep")).isEqualTo(1);

            h.runUntilIdle();
            List<TokenEvent> tokens = h.tokens();
            List<Completion> completions = h.completions();
            assertThat(completions).hasSize(4);
            assertThat(m.count("tokens")).isEqualTo(tokens.size());
            assertThat(m.count("stepsPerToken")).isEqualTo(tokens.size());
            assertThat(m.count("tokensConverged"))
                    .isEqualTo(tokens.stream().filter(t -> t.getExitReason() == ExitReason.CONVERGED).count());
            assertThat(m.count("tokensMaxSteps"))
                    .isEqualTo(tokens.stream().filter(t -> t.getExitReason() == ExitReason.MAX_STEPS).count());
            for (FinishReason reason : List.of(FinishReason.STOP, FinishReason.LENGTH, FinishReason.DEADLINE,
                    FinishReason.CANCELLED, FinishReason.ERROR)) {
                assertThat(m.count("completions." + reason.name().toLowerCase(java.util.Locale.ROOT)))
                        .as("completions.%s", reason)
                        .isEqualTo(completions.stream().filter(c -> c.getFinishReason() == reason).count());
            }
            assertThat(m.count("rowsPerStep")).isGreaterThan(1);
            assertThat(m.count("ttftMillis")).as("one first token per completed request").isEqualTo(4);
            assertThat(m.count("tpotMicros")).as("one gap per token after a request's first")
                    .isEqualTo(tokens.size() - 4);
            assertThat(m.gauge("relaxationStage")).as("no latency target").isZero();
            assertThat(m.gauge("activeSequences")).isZero();
            assertThat(m.gauge("waitingSequences")).isZero();
            assertThat(m.gauge("kvBytesInUse")).as("every sequence released its cache").isZero();
            assertThat(m.count("rejected")).isEqualTo(2);
        }
    }

    /**
     * With more than max-waiting-sequences requests waiting, processElement runs steps (mails) itself before it
     * returns: the test never runs a mail, yet requests complete while it sends, and no more than the limit wait.
     */
    @Test
    void processElementYieldsToTheStepLoopWhenTooManyRequestsWait() throws Exception {
        GenerationSettings settings = TestRequests.tinyRandom().setMaxActiveSequences(1).setMaxWaitingSequences(1)
                .build().settings();
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(settings, m.registry)) {
            h.send(TestRequests.request(0));
            assertThat(m.gauge("waitingSequences")).as("one waiting: within the limit").isEqualTo(1);
            assertThat(m.gauge("activeSequences")).as("nothing ran").isZero();
            assertThat(m.count("rowsPerStep")).isZero();

            h.send(TestRequests.request(1));
            assertThat(m.gauge("activeSequences")).as("two waiting: processElement ran a step, admitting one")
                    .isEqualTo(1);
            assertThat(m.gauge("waitingSequences")).isEqualTo(1);
            assertThat(m.count("rowsPerStep")).isPositive();

            for (int i = 2; i < 6; i++) {
                h.send(TestRequests.request(i));
                assertThat(m.gauge("waitingSequences")).as("after sending request %s", i).isLessThanOrEqualTo(1);
            }
            assertThat(h.completions()).as("completed inside processElement, by its yield").isNotEmpty();
            assertThat(h.tokens()).isNotEmpty();

            h.runUntilIdle();
            assertThat(h.completions()).hasSize(6);
        }
    }

    /**
     * A snapshot taken while sequences are mid-generation and others wait, restored with different but compatible
     * settings (fewer active sequences, other row and prefill limits, a larger KV budget, preempt-and-recompute
     * admission): every in-flight request completes once, with the tokens of an uninterrupted run.
     */
    @Test
    void restoresUnderChangedCompatibleSettingsAndCompletesTheInFlightRequests() throws Exception {
        int requests = 6;
        Map<String, List<String>> reference;
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.sendRequests(requests);
            h.runUntilIdle();
            reference = byRequest(h.tokens());
        }
        OperatorHarness.Taken taken;
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.sendRequests(requests);
            h.steps(40);
            taken = h.take();
        }
        assertThat(taken.tokens()).as("tokens were generated before the snapshot").isNotEmpty();
        assertThat(taken.completions().size()).as("requests still in flight at the snapshot").isLessThan(requests);

        GenerationSettings changed = TestRequests.tinyRandom()
                .setMaxActiveSequences(2)
                .setMaxWaitingSequences(8)
                .setMaxRowsPerStep(16)
                .setPrefillChunk(4)
                .setKvBudget(MemorySize.parse("512mb"))
                .setAdmission(AdmissionPolicy.PREEMPT_RECOMPUTE)
                .build().settings();
        assertThat(changed).isNotEqualTo(TestRequests.settings(4));
        try (OperatorHarness r = OperatorHarness.restored(changed, taken.snapshot())) {
            r.runUntilIdle();
            assertThat(byRequest(taken.tokensThen(r))).isEqualTo(reference);
            assertThat(taken.completionsThen(r)).extracting(Completion::getRequestId).doesNotHaveDuplicates()
                    .hasSize(requests);
            assertThat(r.completions()).allSatisfy(c -> assertThat(c.getFinishReason()).isIn(FinishReason.LENGTH,
                    FinishReason.STOP));
            assertThat(r.rejected()).isEmpty();
            assertThat(r.numKeyedStateEntries()).as("state cleared at completion").isZero();
        }
    }
}
