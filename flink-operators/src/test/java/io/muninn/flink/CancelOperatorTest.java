package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Cancellation;
import io.muninn.schemas.Completion;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.TokenEvent;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * Cancel records ({@code cancel: true}) in the keyed harness: a waiting and an active request end with
 * {@code CANCELLED} and the tokens so far, their KV and slot are freed at once, cancels for requests that are not
 * running are ignored and counted, and neither a restore nor a checkpoint brings a cancelled request back.
 */
class CancelOperatorTest {

    /** Every token runs all 16 steps (criterion none) and only the pad token stops it: 30 tokens, slowly. */
    private static PromptRequest longRequest(String id) {
        return PromptRequest.newBuilder()
                .setRequestId(id)
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, 12, 45)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(30).setMaxSteps(16).setCriterion("none")
                        .setStopTokenIds(List.of(95)).build())
                .build();
    }

    private static List<Integer> tokensOf(List<TokenEvent> tokens, String id) {
        return tokens.stream().filter(t -> t.getRequestId().equals(id)).map(TokenEvent::getTokenId).toList();
    }

    private static Completion completionOf(OperatorHarness h, String id) {
        List<Completion> found = h.completions().stream().filter(c -> c.getRequestId().equals(id)).toList();
        assertThat(found).as("one completion of %s", id).hasSize(1);
        return found.get(0);
    }

    /** Steps until {@code id} has at least {@code n} tokens. */
    private static void stepUntilTokens(OperatorHarness h, String id, int n) throws Exception {
        while (tokensOf(h.tokens(), id).size() < n) {
            assertThat(h.step()).as("work left before %s has %s tokens", id, n).isTrue();
        }
    }

    /** The tokens {@code request} generates alone, uninterrupted. */
    private static List<Integer> alone(PromptRequest request) throws Exception {
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(1))) {
            h.send(request);
            h.runUntilIdle();
            return tokensOf(h.tokens(), request.getRequestId());
        }
    }

    @Test
    void cancellingAWaitingRequestCompletesItAtOnceWithNoTokens() throws Exception {
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(TestRequests.settings(1), m.registry)) {
            h.send(longRequest("first"));
            h.send(TestRequests.tokens("queued", 4, 90, 7, 8));
            h.step();
            assertThat(m.gauge("activeSequences")).isEqualTo(1);
            assertThat(m.gauge("waitingSequences")).isEqualTo(1);

            h.send(Cancellation.of("queued"));

            Completion c = completionOf(h, "queued");
            assertThat(c.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(c.getTokenIds()).isEmpty();
            assertThat(c.getGeneratedTokens()).isZero();
            assertThat(c.getFirstTokenMs()).isNull();
            assertThat(c.getPromptTokens()).isEqualTo(3);
            assertThat(m.gauge("waitingSequences")).isZero();
            assertThat(m.count("completions.cancelled")).isEqualTo(1);
            assertThat(m.count("cancelsIgnored")).isZero();
            assertThat(h.rejected()).isEmpty();
            assertThat(h.numKeyedStateEntries()).as("only the running request is in state").isEqualTo(1);

            h.runUntilIdle();
            assertThat(tokensOf(h.tokens(), "queued")).isEmpty();
            assertThat(completionOf(h, "first").getFinishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            assertThat(h.completions()).hasSize(2);
        }
    }

    @Test
    void cancellingAnActiveRequestEmitsItsTokensSoFarAndFreesItsKvAndSlot() throws Exception {
        PromptRequest next = TestRequests.request(3);
        List<Integer> nextAlone = alone(next);
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(TestRequests.settings(1), m.registry)) {
            h.send(longRequest("long"));
            h.send(next);
            stepUntilTokens(h, "long", 3);
            assertThat(m.gauge("kvBytesInUse")).isPositive();
            assertThat(m.gauge("waitingSequences")).as("max-active-sequences 1: the next request waits").isEqualTo(1);
            List<Integer> emitted = tokensOf(h.tokens(), "long");

            h.send(Cancellation.of("long"));

            Completion c = completionOf(h, "long");
            assertThat(c.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(c.getTokenIds()).as("the tokens so far, as emitted").isEqualTo(emitted);
            assertThat(c.getGeneratedTokens()).isEqualTo(emitted.size()).isLessThan(30);
            assertThat(c.getStepsPerToken()).hasSize(emitted.size()).containsOnly(16);
            assertThat(c.getTotalSteps()).isEqualTo(16L * emitted.size());
            assertThat(c.getFirstTokenMs()).isNotNull();
            assertThat(m.gauge("activeSequences")).isZero();
            assertThat(m.gauge("kvBytesInUse")).as("its KV blocks are free at once").isZero();
            assertThat(m.count("completions.cancelled")).isEqualTo(1);
            assertThat(h.numKeyedStateEntries()).as("its state is cleared; the waiting request's remains").isEqualTo(1);

            h.step();
            assertThat(m.gauge("activeSequences")).as("the freed slot takes the waiting request").isEqualTo(1);
            assertThat(m.gauge("waitingSequences")).isZero();
            h.runUntilIdle();
            assertThat(tokensOf(h.tokens(), "long")).as("nothing after the cancel").isEqualTo(emitted);
            assertThat(tokensOf(h.tokens(), next.getRequestId())).isEqualTo(nextAlone);
            assertThat(completionOf(h, next.getRequestId()).getFinishReason()).isIn(FinishReason.LENGTH,
                    FinishReason.STOP);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void cancelsForUnknownFinishedOrCancelledRequestsAreIgnoredAndCounted() throws Exception {
        RegisteredMetrics m = new RegisteredMetrics();
        try (OperatorHarness h = new OperatorHarness(TestRequests.settings(2), m.registry)) {
            h.send(Cancellation.of("nobody"));
            assertThat(m.count("cancelsIgnored")).isEqualTo(1);

            h.send(TestRequests.tokens("done", 3, 90, 5, 6));
            h.runUntilIdle();
            assertThat(completionOf(h, "done").getFinishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            h.send(Cancellation.of("done"));
            assertThat(m.count("cancelsIgnored")).isEqualTo(2);

            h.send(longRequest("twice"));
            h.steps(2);
            h.send(Cancellation.of("twice"));
            h.send(Cancellation.of("twice"));
            assertThat(m.count("cancelsIgnored")).as("the duplicate cancel").isEqualTo(3);

            h.runUntilIdle();
            assertThat(h.completions()).as("one completion each, no completion for a cancel that was ignored")
                    .extracting(Completion::getRequestId).containsExactly("done", "twice");
            assertThat(completionOf(h, "done").getFinishReason()).as("a finished request stays finished")
                    .isNotEqualTo(FinishReason.CANCELLED);
            assertThat(completionOf(h, "twice").getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(m.count("completions.cancelled")).isEqualTo(1);
            assertThat(h.rejected()).as("a cancel is never a rejection").isEmpty();
            assertThat(m.count("rejected")).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    /**
     * After a restore, a cancel ends a request both before its replay (waiting with restored tokens) and once it has
     * been rebuilt by replay; each completion holds the tokens generated before the snapshot (and after it).
     */
    @Test
    void aRestoredRequestCanBeCancelledBeforeAndAfterItsReplay() throws Exception {
        OperatorSubtaskState snapshot;
        List<Integer> beforeA;
        List<Integer> beforeB;
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(2))) {
            h.send(longRequest("a"));
            h.send(longRequest("b"));
            stepUntilTokens(h, "a", 2);
            stepUntilTokens(h, "b", 2);
            snapshot = h.snapshot();
            beforeA = tokensOf(h.tokens(), "a");
            beforeB = tokensOf(h.tokens(), "b");
        }
        try (OperatorHarness r = OperatorHarness.restored(TestRequests.settings(1), snapshot)) {
            r.send(Cancellation.of("a")); // restored, queued for replay: nothing replayed yet
            Completion a = completionOf(r, "a");
            assertThat(a.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(a.getTokenIds()).isEqualTo(beforeA);

            r.step(); // admits b, rebuilding its KV by replay, and steps on
            r.send(Cancellation.of("b"));
            Completion b = completionOf(r, "b");
            assertThat(b.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(b.getTokenIds()).startsWith(beforeB.toArray(Integer[]::new));
            assertThat(b.getTokenIds().subList(beforeB.size(), b.getTokenIds().size()))
                    .isEqualTo(tokensOf(r.tokens(), "b"));

            r.runUntilIdle();
            assertThat(r.completions()).hasSize(2);
            assertThat(r.numKeyedStateEntries()).isZero();
        }
    }

    /** A checkpoint taken after a cancel holds nothing of the request: a restore does not bring it back. */
    @Test
    void aCheckpointAfterACancelDoesNotResurrectTheRequest() throws Exception {
        OperatorSubtaskState snapshot;
        try (OperatorHarness h = OperatorHarness.fresh(TestRequests.settings(2))) {
            h.send(longRequest("gone"));
            h.send(TestRequests.tokens("kept", 4, 90, 9, 10));
            stepUntilTokens(h, "gone", 2);
            h.send(Cancellation.of("gone"));
            h.step();
            snapshot = h.snapshot();
            assertThat(completionOf(h, "gone").getFinishReason()).isEqualTo(FinishReason.CANCELLED);
        }
        try (OperatorHarness r = OperatorHarness.restored(TestRequests.settings(2), snapshot)) {
            r.runUntilIdle();
            assertThat(tokensOf(r.tokens(), "gone")).isEmpty();
            assertThat(r.completions()).extracting(Completion::getRequestId).doesNotContain("gone");

            r.send(TestRequests.tokens("gone", 2, 90, 3)); // the id is free again: not a duplicate
            r.runUntilIdle();
            assertThat(r.rejected()).isEmpty();
            assertThat(completionOf(r, "gone").getFinishReason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
            assertThat(r.numKeyedStateEntries()).isZero();
        }
    }
}
