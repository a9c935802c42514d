package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Completion;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step budgets and the latency target through the operator (keyed harness, golden tiny random model). */
class DepthOperatorTest {

    private static PromptRequest fixedDepth(String id, int maxNewTokens, Long budget, boolean strict) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, 12, 45, 7)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(maxNewTokens).setCriterion("none")
                        .setMaxSteps(16).setStopTokenIds(List.of(95)).setTotalStepsBudget(budget)
                        .setStrictDepth(strict).build())
                .build();
    }

    private static Completion completion(OperatorHarness h, String id) {
        return h.completions().stream().filter(c -> c.getRequestId().equals(id)).findFirst().orElseThrow();
    }

    private static List<Integer> exitSteps(OperatorHarness h, String id) {
        return h.tokens().stream().filter(t -> t.getRequestId().equals(id)).map(TokenEvent::getExitStep).toList();
    }

    @Test
    void aBudgetCapsTheLastTokensAndTheCompletionSaysSo() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.send(fixedDepth("budget", 4, 40L, false));
            h.send(fixedDepth("free", 4, null, false));
            h.runUntilIdle();

            // caps: 40 - 3 = 37 -> 16; 40 - 16 - 2 = 22 -> 16; 40 - 32 - 1 = 7; 40 - 39 = 1
            assertThat(exitSteps(h, "budget")).containsExactly(16, 16, 7, 1);
            Completion budget = completion(h, "budget");
            assertThat(budget.getTotalSteps()).isEqualTo(40);
            assertThat(budget.getBudgetBound()).isTrue();
            assertThat(budget.getDepthStage()).as("no latency target").isNull();
            Completion free = completion(h, "free");
            assertThat(free.getStepsPerToken()).containsOnly(16);
            assertThat(free.getBudgetBound()).as("no budget").isNull();
        }
    }

    @Test
    void anInfeasibleBudgetIsRejectedNamingTheField() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.send(fixedDepth("short", 4, 3L, false));
            // min_steps 3 reserves three steps for every token
            PromptRequest deep = fixedDepth("deep", 10, 29L, false);
            deep.getGeneration().setMinSteps(3);
            h.send(deep);
            h.send(fixedDepth("negative", 1, -1L, false));
            h.runUntilIdle();

            assertThat(h.rejected()).extracting(RejectedRecord::getRequestId)
                    .containsExactly("short", "deep", "negative");
            assertThat(h.rejected()).extracting(RejectedRecord::getField).containsOnly("generation.total_steps_budget");
            assertThat(h.rejected()).extracting(RejectedRecord::getReason).containsExactly(
                    "generation.total_steps_budget must be >= 4 (max(1, min_steps) 1 x max_new_tokens 4) but was 3",
                    "generation.total_steps_budget must be >= 30 (max(1, min_steps) 3 x max_new_tokens 10) but was 29",
                    "generation.total_steps_budget must be >= 1 but was -1");
            assertThat(h.completions()).isEmpty();
        }
    }

    @Test
    void aRelaxedStageChangesExitsOnlyForRequestsThatDidNotOptOut() throws Exception {
        // every token gap is over 1 ns and the stage may move every micro-batch: the stage rises as soon as gaps exist
        var relaxing = TestRequests.tinyRandom().setMaxActiveSequences(4).setTpotTarget(Duration.ofNanos(1))
                .setLatencyControl(Duration.ofHours(1), Duration.ZERO, 4).build().settings();
        List<Integer> strictTokens;
        try (OperatorHarness h = OperatorHarness.fresh(relaxing)) {
            h.send(fixedDepth("relaxed", 12, null, false));
            h.send(fixedDepth("strict", 12, null, true));
            h.runUntilIdle();

            assertThat(exitSteps(h, "strict")).hasSize(12).containsOnly(16);
            assertThat(completion(h, "strict").getDepthStage()).isZero();
            List<Integer> relaxed = exitSteps(h, "relaxed");
            assertThat(relaxed.get(0)).as("the first token, before any gap was measured").isEqualTo(16);
            assertThat(relaxed.get(relaxed.size() - 1)).as("stage 4 halves max_steps").isEqualTo(8);
            assertThat(completion(h, "relaxed").getDepthStage()).isEqualTo(4);
            assertThat(completion(h, "relaxed").getBudgetBound()).isNull();
            strictTokens = h.tokens().stream().filter(t -> t.getRequestId().equals("strict"))
                    .map(TokenEvent::getTokenId).toList();
        }
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.send(fixedDepth("strict", 12, null, true));
            h.runUntilIdle();
            assertThat(h.tokens()).extracting(TokenEvent::getTokenId).as("the strict request as without a target")
                    .isEqualTo(strictTokens);
            assertThat(completion(h, "strict").getDepthStage()).as("no target: not reported").isNull();
        }
    }

    @Test
    void aRestoreKeepsTheStageItsEarlierTokensRanUnder() throws Exception {
        var relaxing = TestRequests.tinyRandom().setMaxActiveSequences(4).setTpotTarget(Duration.ofNanos(1))
                .setLatencyControl(Duration.ofHours(1), Duration.ZERO, 4).build().settings();
        // a target no gap reaches: the restored operator never relaxes
        var calm = TestRequests.tinyRandom().setMaxActiveSequences(4).setTpotTarget(Duration.ofHours(1))
                .setLatencyControl(Duration.ofHours(1), Duration.ZERO, 4).build().settings();
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState state;
        try (OperatorHarness h = OperatorHarness.fresh(relaxing)) {
            h.send(fixedDepth("relaxed", 12, null, false));
            while (exitSteps(h, "relaxed").size() < 6) {
                assertThat(h.step()).as("still generating").isTrue();
            }
            assertThat(exitSteps(h, "relaxed").get(5)).as("stage 4 by now").isEqualTo(8);
            state = h.snapshot();
        }
        try (OperatorHarness h = OperatorHarness.restored(calm, state)) {
            h.runUntilIdle();
            assertThat(exitSteps(h, "relaxed")).as("the tokens after the restore, as asked").containsOnly(16);
            assertThat(completion(h, "relaxed").getDepthStage()).isEqualTo(4);
        }
    }
}
