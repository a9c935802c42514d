package io.muninn.flink.state;

import io.muninn.model.scheduler.SequenceProgress;
import io.muninn.schemas.PromptRequest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The durable state of one request, kept in Flink keyed state under its {@code request_id}: the
 * request as received, its prompt token ids, when it was accepted, and what it has generated so far. That is
 * enough to rebuild the sequence by replay; the KV cache is never part of it, so its size grows with the tokens
 * (16 bytes each), not with the model.
 *
 * <p>The token in flight when a snapshot is taken is not stored: a restored sequence recomputes it from its first
 * recurrence step. Its initial state and sampling draw come from (seed, position) alone, so the recomputed token is
 * the one an uninterrupted run emits; what is lost is at most {@code max_steps} steps of work per sequence, against
 * storing a hidden-size latent state and a vocabulary-size exit memory per sequence in every checkpoint.
 *
 * @param request        the request as received (its generation parameters and metadata are read from it)
 * @param promptTokens   the prompt's token ids, fixed at acceptance (so a tokenizer change cannot alter a restore)
 * @param acceptedAtMs   processing time at which the operator accepted it
 * @param firstTokenAtMs processing time of its first token; -1 before that
 * @param progress       generated tokens, their exit steps and criterion values, and the highest latency relaxation
 *                       stage they ran under
 */
public record SequenceState(PromptRequest request, int[] promptTokens, long acceptedAtMs, long firstTokenAtMs,
        SequenceProgress progress) {

    public SequenceState {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(progress, "progress");
        promptTokens = promptTokens.clone();
    }

    /** A request that was just accepted and waits for admission. */
    public static SequenceState accepted(PromptRequest request, int[] promptTokens, long nowMs) {
        return new SequenceState(request, promptTokens, nowMs, -1L, SequenceProgress.NONE);
    }

    public String requestId() {
        return request.getRequestId();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceState s
                && request.equals(s.request)
                && Arrays.equals(promptTokens, s.promptTokens)
                && acceptedAtMs == s.acceptedAtMs
                && firstTokenAtMs == s.firstTokenAtMs
                && Arrays.equals(progress.tokens(), s.progress.tokens())
                && Arrays.equals(progress.exitSteps(), s.progress.exitSteps())
                && Arrays.equals(progress.criterionValues(), s.progress.criterionValues())
                && progress.depthStage() == s.progress.depthStage();
    }

    @Override
    public int hashCode() {
        return Objects.hash(request.getRequestId(), acceptedAtMs, progress.size());
    }

    @Override
    public String toString() {
        return String.format("SequenceState{%s, prompt %s tokens, generated %s}", requestId(), promptTokens.length,
                progress.size());
    }
}
