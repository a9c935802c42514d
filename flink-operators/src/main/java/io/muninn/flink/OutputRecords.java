package io.muninn.flink;

import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.schemas.Completion;
import io.muninn.schemas.ExitReason;
import io.muninn.schemas.FinishReason;
import io.muninn.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the wire records the operator emits from what the scheduler delivers. */
final class OutputRecords {
    private final MuninnTokenizer tokenizer;
    private final boolean relaxing;

    /**
     * @param tokenizer decodes a completion's text; null for empty text
     * @param relaxing  whether the operator has a latency target, so completions report the depth stage
     */
    OutputRecords(MuninnTokenizer tokenizer, boolean relaxing) {
        this.tokenizer = tokenizer;
        this.relaxing = relaxing;
    }

    static TokenEvent token(TokenOutput t, long nowMs) {
        return TokenEvent.newBuilder()
                .setRequestId(t.requestId())
                .setIndex(t.index())
                .setTokenId(t.tokenId())
                .setText(t.text())
                .setExitStep(t.exitStep())
                .setExitReason(t.converged() ? ExitReason.CONVERGED : ExitReason.MAX_STEPS)
                .setCriterionValue(Double.isFinite(t.criterionValue()) ? t.criterionValue() : null)
                .setEventTimeMs(nowMs)
                .build();
    }

    Completion completion(SequenceOutcome o, RequestFacts f, long nowMs) {
        List<Integer> ids = new ArrayList<>(o.tokens().length);
        List<Integer> steps = new ArrayList<>(o.exitSteps().length);
        for (int i = 0; i < o.tokens().length; i++) {
            ids.add(o.tokens()[i]);
            steps.add(o.exitSteps()[i]);
        }
        long total = o.totalSteps();
        String message = o.message() == null || o.message().isEmpty() ? null : o.message();
        long queued = f.admittedAtMs < 0 ? nowMs - f.acceptedAtMs : f.admittedAtMs - f.acceptedAtMs;
        return Completion.newBuilder()
                .setRequestId(o.requestId())
                .setText(tokenizer == null ? "" : tokenizer.decode(o.tokens(), true))
                .setTokenIds(ids)
                .setStepsPerToken(steps)
                .setFinishReason(FinishReason.valueOf(o.reason().name().toUpperCase(Locale.ROOT)))
                .setErrorMessage(message)
                .setPromptTokens(o.promptTokens())
                .setGeneratedTokens(ids.size())
                .setTotalSteps(total)
                .setMeanSteps(ids.isEmpty() ? 0 : (double) total / ids.size())
                .setQueuedMs(Math.max(0, queued))
                .setFirstTokenMs(f.firstTokenAtMs < 0 ? null : f.firstTokenAtMs - f.acceptedAtMs)
                .setTotalMs(nowMs - f.acceptedAtMs)
                .setCompletedAtMs(nowMs)
                .setMetadata(f.request.getMetadata())
                .setBudgetBound(f.request.getGeneration().getTotalStepsBudget() == null ? null : o.budgetBound())
                .setDepthStage(relaxing ? o.depthStage() : null)
                .build();
    }
}
