package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator in Flink's keyed test harness: streaming, state, snapshot and restore mid-token, timers, rejects. */
class RecurrentDepthOperatorTest {
    private static final int REQUESTS = 8;
    private static Map<String, List<String>> reference;

    /** The uninterrupted run every interrupted run must reproduce: per request, "token@exitStep" in order. */
    @BeforeAll
    static void uninterruptedRun() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.sendRequests(REQUESTS);
            h.runUntilIdle();
            reference = byRequest(h.tokens());
            assertThat(h.completions()).hasSize(REQUESTS);
        }
        assertThat(reference).hasSize(REQUESTS);
    }

    @Test
    void matchesTheReferenceImplementationOnAGoldenScenario() throws Exception {
        // golden scenario "kl-latest-m4" of model/src/test/resources/golden/generations.json
        PromptRequest golden = PromptRequest.newBuilder()
                .setRequestId("golden")
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, 12, 45, 7, 33)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(10).setCriterion("kl").setThreshold(5e-4)
                        .setMaxSteps(32).setInitScale(0.0).setSampling(Sampling.newBuilder().setSeed(0L).build())
                        .setPrefillExit(false).build()) // the scenario sets exit_in_prefill false
                .build();
        var settings = TestRequests.tinyRandom().setMaxSteps(32).build().settings();
        try (OperatorHarness h = OperatorHarness.fresh(settings)) {
            h.send(golden);
            h.send(TestRequests.request(1)); // a batch-mate must not change the result
            h.runUntilIdle();
            List<TokenEvent> tokens = h.tokens().stream().filter(t -> t.getRequestId().equals("golden")).toList();
            assertThat(tokens).extracting(TokenEvent::getTokenId).containsExactly(82, 3, 40, 66, 34, 71, 74, 55, 71, 66);
            assertThat(tokens).extracting(TokenEvent::getExitStep).containsExactly(32, 13, 12, 10, 10, 10, 10, 9, 8, 10);
            assertThat(tokens).extracting(TokenEvent::getIndex).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            Completion c = h.completions().stream().filter(x -> x.getRequestId().equals("golden")).findFirst().orElseThrow();
            assertThat(c.getFinishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(c.getTokenIds()).containsExactly(82, 3, 40, 66, 34, 71, 74, 55, 71, 66);
            assertThat(c.getTotalSteps()).isEqualTo(124);
            assertThat(c.getPromptTokens()).isEqualTo(5);
        }
    }

    @Test
    void deliversEachTokenAsItExitsAndEchoesMetadata() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.sendRequests(4);
            // tokens leave while other sequences keep iterating: the first token appears long before the last completion
            int mails = 0;
            while (h.tokens().isEmpty() && h.step()) {
                mails++;
            }
            assertThat(h.tokens()).isNotEmpty();
            assertThat(h.completions()).isEmpty();
            h.runUntilIdle();
            assertThat(mails).isLessThan(40);
            for (Completion c : h.completions()) {
                assertThat(c.getMetadata()).containsKey("n");
                assertThat(c.getStepsPerToken()).hasSameSizeAs(c.getTokenIds());
                assertThat(c.getTotalMs()).isGreaterThanOrEqualTo(0);
            }
            assertThat(h.numKeyedStateEntries()).as("state is cleared at completion").isZero();
        }
    }

    @Test
    void snapshotInTheMiddleOfATokenRestoresToTheSameTokens() throws Exception {
        for (int stopAfter : new int[] {4, 30}) {
            OperatorHarness.Taken taken;
            try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
                h.sendRequests(REQUESTS);
                h.steps(stopAfter);
                taken = h.take();
                h.steps(5); // work after the snapshot is lost with the failure
            }
            try (OperatorHarness r = OperatorHarness.restored(TestRequests.settings(4), taken.snapshot())) {
                r.runUntilIdle();
                assertThat(byRequest(taken.tokensThen(r))).as("after %s mails", stopAfter).isEqualTo(reference);
                assertThat(taken.completionsThen(r)).extracting(Completion::getRequestId).doesNotHaveDuplicates()
                        .hasSize(REQUESTS);
            }
        }
    }

    @Test
    void waitingRequestsSurviveASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        List<TokenEvent> before;
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(2))) {
            h.sendRequests(REQUESTS);
            h.steps(6); // two active sequences, the others waiting
            snapshot = h.snapshot();
            before = h.tokens();
            assertThat(h.completions()).isEmpty();
        }
        try (OperatorHarness r = OperatorHarness.restored(TestRequests.settings(3), snapshot)) {
            r.runUntilIdle();
            List<TokenEvent> all = new ArrayList<>(before);
            all.addAll(r.tokens());
            assertThat(byRequest(all)).isEqualTo(reference);
            assertThat(r.completions()).hasSize(REQUESTS);
        }
    }

    @Test
    void rescalingFromTwoToThreeAndToOneLosesAndDuplicatesNothing() throws Exception {
        OperatorSubtaskState[] parts = new OperatorSubtaskState[2];
        List<TokenEvent> before = new ArrayList<>();
        List<Completion> completedBefore = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (OperatorHarness h = new OperatorHarness(TestRequests.settings(3), 2, subtask, null)) {
                for (int i = 0; i < REQUESTS; i++) {
                    PromptRequest r = TestRequests.request(i);
                    if (owner(r.getRequestId(), 2) == subtask) {
                        h.send(r);
                    }
                }
                h.steps(10);
                parts[subtask] = h.snapshot();
                before.addAll(h.tokens());
                completedBefore.addAll(h.completions());
            }
        }
        OperatorSubtaskState whole = OperatorHarness.repackage(parts);
        for (int parallelism : new int[] {3, 1}) {
            List<TokenEvent> all = new ArrayList<>(before);
            List<Completion> completions = new ArrayList<>(completedBefore);
            for (int subtask = 0; subtask < parallelism; subtask++) {
                OperatorSubtaskState part = OperatorHarness.repartition(whole, 2, parallelism, subtask);
                try (OperatorHarness r = new OperatorHarness(TestRequests.settings(3), parallelism, subtask, part)) {
                    r.runUntilIdle();
                    all.addAll(r.tokens());
                    completions.addAll(r.completions());
                }
            }
            assertThat(byRequest(all)).as("at parallelism %s", parallelism).isEqualTo(reference);
            assertThat(completions).extracting(Completion::getRequestId).doesNotHaveDuplicates().hasSize(REQUESTS);
        }
    }

    /**
     * Two instances in one JVM (two slots of a task manager) step interleaved over one copy of the weights, each with
     * its own engine: the copy is loaded once, both reproduce the uninterrupted run, and it is freed when the second
     * closes, not the first.
     */
    @Test
    void instancesInOneJvmShareOneCopyOfTheWeightsUntilTheLastCloses() throws Exception {
        var registry = io.muninn.model.weights.SharedWeights.jvmWide();
        var before = registry.usage(TestRequests.TINY_RANDOM);
        assertThat(before.users()).as("no instance holds the model before").isZero();
        List<TokenEvent> all = new ArrayList<>();
        OperatorHarness first = new OperatorHarness(TestRequests.settings(4), 2, 0, null);
        boolean firstOpen = true;
        try (OperatorHarness second = new OperatorHarness(TestRequests.settings(4), 2, 1, null)) {
            assertThat(registry.usage(TestRequests.TINY_RANDOM).users()).isEqualTo(2);
            assertThat(registry.usage(TestRequests.TINY_RANDOM).loads()).isEqualTo(before.loads() + 1);
            OperatorHarness[] instances = {first, second};
            for (int i = 0; i < REQUESTS; i++) {
                PromptRequest r = TestRequests.request(i);
                instances[owner(r.getRequestId(), 2)].send(r);
            }
            boolean working = true;
            while (working) { // one step of each in turn
                working = first.step() | second.step();
            }
            assertThat(first.tokens()).isNotEmpty();
            assertThat(second.tokens()).isNotEmpty();
            assertThat(first.completions().size() + second.completions().size()).isEqualTo(REQUESTS);
            all.addAll(first.tokens());
            all.addAll(second.tokens());
            first.close();
            firstOpen = false;
            assertThat(registry.usage(TestRequests.TINY_RANDOM).users()).as("the second still holds it").isEqualTo(1);
        } finally {
            if (firstOpen) {
                first.close();
            }
        }
        assertThat(byRequest(all)).isEqualTo(reference);
        assertThat(registry.usage(TestRequests.TINY_RANDOM).users()).as("freed with the last instance").isZero();
        assertThat(registry.usage(TestRequests.TINY_RANDOM).peakUsers()).isEqualTo(2);
    }

    @Test
    void endInputDrainsEveryActiveAndWaitingSequence() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(2))) {
            h.sendRequests(REQUESTS);
            h.harness.endInput();
            assertThat(h.completions()).hasSize(REQUESTS);
            assertThat(byRequest(h.tokens())).isEqualTo(reference);
        }
    }

    @Test
    void aDeadlineEndsTheRequestThroughAProcessingTimeTimer() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.harness.setProcessingTime(1_000);
            PromptRequest slow = TestRequests.tokens("slow", 30, 90, 5, 6, 7);
            slow.setDeadlineMs(1_500L);
            h.send(slow);
            h.steps(3);
            h.harness.setProcessingTime(1_600); // fires the timer
            assertThat(h.completions()).singleElement().satisfies(c -> {
                assertThat(c.getRequestId()).isEqualTo("slow");
                assertThat(c.getFinishReason()).isEqualTo(FinishReason.DEADLINE);
            });
            h.runUntilIdle();
            assertThat(h.completions()).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void requestsOnlyTheModelCanJudgeAreRejectedWithTheField() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(4))) {
            h.send(TestRequests.tokens("dup", 4, 90, 1, 2));
            h.send(TestRequests.tokens("dup", 4, 90, 3, 4));
            Integer[] long60 = new Integer[60];
            java.util.Arrays.fill(long60, 7);
            h.send(TestRequests.tokens("too-long", 10, long60));
            h.send(PromptRequest.newBuilder().setRequestId("text")
                    .setInput(PromptInput.newBuilder().setPrompt("hello").build())
                    .setGeneration(Generation.newBuilder().setMaxNewTokens(4).build()).build());
            h.runUntilIdle();
            Map<String, RejectedRecord> rejected = h.rejected().stream()
                    .collect(Collectors.toMap(r -> r.getRequestId() + "/" + r.getField(), r -> r));
            assertThat(rejected).containsOnlyKeys("dup/request_id", "too-long/generation.max_new_tokens", "text/input.prompt");
            assertThat(rejected.get("dup/request_id").getReason()).contains("'dup' is already running");
            assertThat(rejected.get("too-long/generation.max_new_tokens").getReason()).contains("block size 64", "60 + 10");
            assertThat(rejected.get("text/input.prompt").getReason()).contains("no tokenizer.json", "input.token_ids");
            assertThat(h.completions()).extracting(Completion::getRequestId).containsExactly("dup");
        }
    }

    private static int owner(String key, int parallelism) {
        return org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                key, OperatorHarness.MAX_PARALLELISM, parallelism);
    }

    static Map<String, List<String>> byRequest(List<TokenEvent> tokens) {
        Map<String, List<String>> out = new TreeMap<>();
        for (TokenEvent t : tokens) {
            List<String> list = out.computeIfAbsent(t.getRequestId(), k -> new ArrayList<>());
            assertThat(t.getIndex()).as("index of %s", t).isEqualTo(list.size());
            list.add(t.getTokenId() + "@" + t.getExitStep());
        }
        return out;
    }
}
