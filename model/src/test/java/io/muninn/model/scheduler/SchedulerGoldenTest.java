package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.golden.GoldenScenario;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduler against the PyTorch reference: every golden scenario of a KV strategy runs in ONE scheduler, in a
 * shuffled arrival order, batched at the recurrence-step level, and each still produces exactly the reference's
 * tokens and exit steps. Then each is interrupted after some tokens, restored into a fresh engine by replay (lockstep
 * where that is exact, a slice per step over chunks of 64 or of 3 positions; call by call elsewhere), and must
 * continue exactly as the uninterrupted run.
 */
class SchedulerGoldenTest {
    /** Copies of each request in the preemption test: enough to contend for the budget. */
    private static final int COPIES = 2;

    static Stream<Arguments> groups() {
        Map<String, List<GoldenScenario>> byKey = GoldenScenario.all().stream()
                .collect(Collectors.groupingBy(s -> s.model() + " " + s.kvStrategy()));
        return byKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private static SchedulerHarness harness(List<GoldenScenario> group, SchedulerOptions options) {
        GoldenScenario first = group.get(0);
        return new SchedulerHarness(first.weights(), first.kvStrategy(), 32, 64L << 20, options);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void batchedInAnyArrivalOrderEachSequenceMatchesTheReference(String key, List<GoldenScenario> group) {
        // one arrival order and row limit per group, varied across groups by the group's size
        for (long seed : new long[] {group.size()}) {
            List<GoldenScenario> order = new ArrayList<>(group);
            Collections.shuffle(order, new Random(seed));
            SchedulerHarness h = harness(group, new SchedulerOptions(seed % 2 == 1 ? 64 : 7, 16, 4, AdmissionPolicy.RESERVE_WORST_CASE));
            for (GoldenScenario s : order) {
                h.scheduler.submit(SequenceRequest.of(s.name(), s.prompt(), s.params()));
            }
            h.runToCompletion(5_000);
            for (GoldenScenario s : group) {
                SequenceOutcome o = h.listener.finished.get(s.name());
                assertThat(o.tokens()).as("%s tokens (arrival seed %s)", s.name(), seed).containsExactly(s.expectedTokens());
                assertThat(o.exitSteps()).as("%s exit steps (arrival seed %s)", s.name(), seed).containsExactly(s.expectedExitSteps());
                assertThat(h.listener.tokenIds(s.name())).containsExactlyElementsOf(
                        java.util.Arrays.stream(s.expectedTokens()).boxed().toList());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void replayThenContinueEqualsTheUninterruptedRun(String key, List<GoldenScenario> group) {
        for (GoldenScenario s : group) {
            // interrupted after the first token (replays the prompt only), midway and before the last token (replays
            // decode calls too)
            int n = s.expectedTokens().length;
            int[] points = java.util.stream.IntStream.of(1, n / 2, n - 1).filter(p -> p >= 1 && p < n).distinct()
                    .toArray();
            assertThat(points).as("%s has interrupt points", s.name()).isNotEmpty();
            for (int interruptedAfter : points) {
                // replay slices over chunks of up to 64 positions (the defaults); at the last point, the longest
                // replay, also of at most 3 positions
                List<SchedulerOptions> slicings = interruptedAfter == points[points.length - 1]
                        ? List.of(SchedulerOptions.defaults(), new SchedulerOptions(3, 16, 3, AdmissionPolicy.RESERVE_WORST_CASE))
                        : List.of(SchedulerOptions.defaults());
                for (SchedulerOptions options : slicings) {
                    int k = interruptedAfter;
                    SequenceProgress progress = new SequenceProgress(java.util.Arrays.copyOf(s.expectedTokens(), k),
                            java.util.Arrays.copyOf(s.expectedExitSteps(), k), java.util.Arrays.copyOf(s.expectedValues(), k));
                    SchedulerHarness h = harness(group, options);
                    h.scheduler.restore(SequenceRequest.of(s.name(), s.prompt(), s.params()), progress);
                    h.runToCompletion(5_000);
                    SequenceOutcome o = h.listener.finished.get(s.name());
                    assertThat(o.tokens()).as("%s restored after %s tokens", s.name(), k).containsExactly(s.expectedTokens());
                    assertThat(o.exitSteps()).as("%s exit steps restored after %s tokens", s.name(), k)
                            .containsExactly(s.expectedExitSteps());
                    assertThat(h.listener.tokens).as("only new tokens are delivered").hasSize(s.expectedTokens().length - k);
                    // lockstep (model/README.md, "Replay") wherever it is exact; call by call for slot sharing, always-last, warm start
                    boolean lockstep = !s.kvStrategy().contains("compress") && !s.kvStrategy().startsWith("always-last")
                            && !(s.params().warmStart() && k > 1);
                    assertThat(h.scheduler.stats().lockstepReplays()).as("lockstep replays").isEqualTo(lockstep ? 1 : 0);
                    assertThat(h.scheduler.stats().callReplays()).as("call-by-call replays").isEqualTo(lockstep ? 0 : 1);
                    int positions = s.prompt().length + k - 1;
                    assertThat(h.scheduler.stats().lockstepReplayedPositions()).as("positions replayed in lockstep")
                            .isEqualTo(lockstep ? positions : 0);
                    assertThat(h.scheduler.stats().replayedPositions()).as("positions replayed").isEqualTo(positions);
                    if (lockstep) {
                        // at least one slice per chunk and per recurrence step of the chunk's deepest position
                        int chunks = (positions + options.prefillChunk() - 1) / options.prefillChunk();
                        assertThat(h.scheduler.stats().replaySlices()).as("replay slices")
                                .isGreaterThanOrEqualTo((long) chunks
                                        * java.util.Arrays.stream(s.expectedExitSteps(), 0, k).min().orElseThrow());
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groups")
    void preemptAndRecomputeUnderATightBudgetChangesNothing(String key, List<GoldenScenario> group) {
        GoldenScenario first = group.get(0);
        SchedulerHarness roomy = new SchedulerHarness(first.weights(), first.kvStrategy(), 32, 64L << 20,
                SchedulerOptions.defaults());
        // the tightest budget that still holds the largest request alone: two copies of each request (same seed,
        // so the same tokens) cannot all hold their cache at once
        long budget = group.stream()
                .mapToLong(s -> roomy.engine.worstCaseKvBytes(s.prompt().length + s.params().maxNewTokens()))
                .max().orElseThrow();
        SchedulerHarness h = new SchedulerHarness(first.weights(), first.kvStrategy(), 32, budget,
                new SchedulerOptions(64, 16, 4, AdmissionPolicy.PREEMPT_RECOMPUTE));
        for (int copy = 0; copy < COPIES; copy++) {
            for (GoldenScenario s : group) {
                h.scheduler.submit(SequenceRequest.of(s.name() + "#" + copy, s.prompt(), s.params()));
            }
        }
        h.runToCompletion(50_000);
        assertThat(h.scheduler.stats().preemptions()).as("the budget forces preemption").isPositive();
        for (int copy = 0; copy < COPIES; copy++) {
            for (GoldenScenario s : group) {
                SequenceOutcome o = h.listener.finished.get(s.name() + "#" + copy);
                assertThat(o.tokens()).as("%s#%s", s.name(), copy).containsExactly(s.expectedTokens());
                assertThat(o.exitSteps()).as("%s#%s", s.name(), copy).containsExactly(s.expectedExitSteps());
            }
        }
        assertThat(h.engine.pool().bytesInUse()).isZero();
    }
}
