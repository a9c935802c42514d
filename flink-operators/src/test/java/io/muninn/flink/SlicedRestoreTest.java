package io.muninn.flink;

import static io.muninn.flink.RecurrentDepthOperatorTest.byRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Restore in bounded pieces, in the keyed harness: after a restore, sequences are rebuilt by lockstep replay a slice
 * per mail (at most {@code prefill-chunk} positions iterated once), so a checkpoint, a timer or a new request is
 * handled between slices; a checkpoint taken in the middle of a replay restores to the tokens and exit steps of a
 * failure-free run; the replay and preemption metrics move.
 */
class SlicedRestoreTest {
    private static final int REQUESTS = 8;
    /** Sent during a replay; part of the failure-free reference run from the start. */
    private static final PromptRequest LATE = TestRequests.request(REQUESTS);
    private static Map<String, List<String>> reference;

    /** Rows per step 4 and replay slices of 2 positions, so a replay takes many mails. */
    private static GenerationSettings small() {
        return small(4);
    }

    private static GenerationSettings small(int maxActive) {
        return TestRequests.tinyRandom().setMaxActiveSequences(maxActive).setMaxRowsPerStep(4).setPrefillChunk(2)
                .build().settings();
    }

    @BeforeAll
    static void failureFreeRun() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(small())) {
            for (int i = 0; i <= REQUESTS; i++) {
                h.send(TestRequests.request(i));
            }
            h.runUntilIdle();
            reference = byRequest(h.tokens());
            assertThat(h.completions()).hasSize(REQUESTS + 1);
        }
    }

    /** What a failed run left: its last checkpoint, taken mid-generation, and what it emitted up to it. */
    private record Checkpoint(OperatorSubtaskState state, List<TokenEvent> tokens, List<Completion> completions) {}

    /** Runs the requests until three of them have two tokens or more, then checkpoints. */
    private static Checkpoint midGeneration() throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(small())) {
            for (int i = 0; i < REQUESTS; i++) {
                h.send(TestRequests.request(i));
            }
            while (byRequest(h.tokens()).values().stream().filter(t -> t.size() >= 2).count() < 3) {
                assertThat(h.step()).as("work remains").isTrue();
            }
            Checkpoint c = new Checkpoint(h.snapshot(), h.tokens(), h.completions());
            assertThat(c.completions()).as("requests are in flight").hasSizeLessThan(REQUESTS);
            return c;
        }
    }

    /** Runs mails until a replay has rebuilt some positions but not all of its sequences. */
    private static void runIntoTheReplay(OperatorHarness h, RegisteredMetrics m) throws Exception {
        while (m.count("replayedPositions") == 0) {
            assertThat(h.step()).as("work remains").isTrue();
        }
        assertThat(m.gauge("replayingSequences")).as("replays in progress").isPositive();
    }

    @Test
    void aCheckpointInTheMiddleOfAReplayRestoresToTheFailureFreeRun() throws Exception {
        Checkpoint first = midGeneration();
        List<TokenEvent> emitted = new ArrayList<>(first.tokens());
        List<Completion> completed = new ArrayList<>(first.completions());
        OperatorSubtaskState midReplay;
        RegisteredMetrics m1 = new RegisteredMetrics();
        try (OperatorHarness r = new OperatorHarness(small(), m1.registry, first.state())) {
            runIntoTheReplay(r, m1);
            r.send(LATE); // input between slices: accepted, durable in the next checkpoint
            assertThat(r.rejected()).isEmpty();
            r.step();
            assertThat(m1.gauge("replayingSequences")).as("still replaying at the checkpoint").isPositive();
            midReplay = r.snapshot();
            emitted.addAll(r.tokens());
            completed.addAll(r.completions());
            r.steps(5); // work after the checkpoint is lost with the failure
        }
        Map<String, Integer> progress = progressAt(emitted, completed);
        RegisteredMetrics m2 = new RegisteredMetrics();
        try (OperatorHarness r = new OperatorHarness(small(), m2.registry, midReplay)) {
            r.runUntilIdle();
            emitted.addAll(r.tokens());
            completed.addAll(r.completions());
            assertThat(byRequest(emitted)).isEqualTo(reference);
            assertThat(completed).extracting(Completion::getRequestId).doesNotHaveDuplicates().hasSize(REQUESTS + 1);

            // every restored sequence with tokens: its prompt and each generated token but the last, rebuilt
            long positions = 0;
            for (Map.Entry<String, Integer> e : progress.entrySet()) {
                positions += promptLength(e.getKey()) + e.getValue() - 1;
            }
            assertThat(positions).as("the checkpoint held sequences to replay").isPositive();
            assertThat(m2.count("replayedPositions")).isEqualTo(positions);
            assertThat(m2.count("replaySlices")).as("at least one slice per two positions")
                    .isGreaterThanOrEqualTo(positions / 2);
            assertThat(m2.gauge("replayComputeMillis")).isPositive();
            assertThat(m2.gauge("replayMillis")).as("every restored sequence produced a token").isGreaterThanOrEqualTo(0);
            assertThat(m2.gauge("replayingSequences")).isZero();
            assertThat(m2.count("preemptions")).as("reserve-worst-case admission never preempts").isZero();
        }
    }

    /**
     * One active sequence at a time after the restore, so the replay in progress is the only work: a chunk of it is
     * rebuilt and it is still replaying when the timer fires, which only a sliced replay allows.
     */
    @Test
    void timersAndNewRequestsAreHandledBetweenReplaySlices() throws Exception {
        Checkpoint first = midGeneration();
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness r = new OperatorHarness(small(1), m.registry, first.state())) {
            r.harness.setProcessingTime(1_000);
            runIntoTheReplay(r, m);
            assertThat(m.gauge("activeSequences")).as("the replaying sequence alone").isEqualTo(1);
            PromptRequest timed = TestRequests.tokens("timed", 30, 90, 5, 6, 7);
            timed.setDeadlineMs(1_500L);
            r.send(timed);
            r.harness.setProcessingTime(1_600); // fires the deadline timer, between two slices
            assertThat(r.completions()).filteredOn(c -> c.getRequestId().equals("timed")).singleElement()
                    .satisfies(c -> assertThat(c.getFinishReason()).isEqualTo(FinishReason.DEADLINE));
            assertThat(m.gauge("replayingSequences")).as("the replay is not finished").isPositive();
            long slices = m.count("replaySlices");
            r.runUntilIdle();
            assertThat(m.count("replaySlices")).as("the replay continued after the timer").isGreaterThan(slices);

            List<TokenEvent> all = new ArrayList<>(first.tokens());
            all.addAll(r.tokens());
            Map<String, List<String>> expected = new HashMap<>(reference);
            expected.remove(LATE.getRequestId());
            assertThat(byRequest(all)).isEqualTo(expected);
            assertThat(r.completions()).extracting(Completion::getRequestId).doesNotHaveDuplicates()
                    .hasSize(REQUESTS - first.completions().size() + 1);
        }
    }

    /**
     * Preempt-and-recompute admission under a KV budget that cannot hold every request's growth: sequences are
     * preempted and rebuilt by replay, the metric counts it, and every request ends with the failure-free tokens.
     */
    @Test
    void preemptionsAreCountedAndChangeNoToken() throws Exception {
        GenerationSettings roomy = TestRequests.tinyRandom().setKvBlockTokens(4).build().settings();
        long worst;
        try (LoadedModel model = LoadedModel.load(roomy)) {
            worst = model.engine.worstCaseKvBytes(16); // the longest request: 15 positions
        }
        GenerationSettings tight = TestRequests.tinyRandom().setKvBlockTokens(4).setMaxActiveSequences(4)
                .setMaxRowsPerStep(4).setPrefillChunk(2).setAdmission(AdmissionPolicy.PREEMPT_RECOMPUTE)
                .setKvBudget(new MemorySize(worst + worst / 2)).build().settings();
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(tight, m.registry)) {
            for (int i = 0; i < REQUESTS; i++) {
                h.send(TestRequests.request(i));
            }
            h.runUntilIdle();
            Map<String, List<String>> expected = new HashMap<>(reference);
            expected.remove(LATE.getRequestId());
            assertThat(byRequest(h.tokens())).isEqualTo(expected);
            assertThat(m.count("preemptions")).as("the budget forces preemption").isPositive();
            assertThat(m.gauge("kvBytesInUse")).isZero();
        }
    }

    /** Tokens each request had at the checkpoint, for those still running with at least one. */
    private static Map<String, Integer> progressAt(List<TokenEvent> emitted, List<Completion> completed) {
        Set<String> done = new HashSet<>();
        completed.forEach(c -> done.add(c.getRequestId()));
        Map<String, Integer> out = new HashMap<>();
        byRequest(emitted).forEach((id, tokens) -> {
            if (!done.contains(id) && !tokens.isEmpty()) {
                out.put(id, tokens.size());
            }
        });
        return out;
    }

    /** Prompt length of {@link TestRequests#request}(i), whose id is "req-i". */
    private static int promptLength(String id) {
        PromptRequest r = TestRequests.request(Integer.parseInt(id.substring("req-".length())));
        return r.getInput().getTokenIds().size();
    }
}
