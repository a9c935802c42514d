package io.muninn.model.generate;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import java.util.Arrays;
import java.util.List;

/**
 * Adaptive generation of one sequence on the step API, as the reference's {@code generate_with_adaptive_compute}
 * does at batch size 1: prefill (in chunks of at most {@code prefillChunk} rows when prefill cannot
 * exit), then one decode row per token, each iterating until its exit criterion says so. The scheduler does the
 * same for many sequences at once; this class is its single-sequence baseline and the {@code trace} command.
 */
public final class SingleSequenceGenerator {
    private final RecurrentDepthEngine engine;
    private final int prefillChunk;

    public SingleSequenceGenerator(RecurrentDepthEngine engine, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefill chunk must be >= 1 row but was " + prefillChunk);
        }
        this.engine = engine;
        this.prefillChunk = prefillChunk;
    }

    public GenerationResult generate(int[] prompt, GenerationParams params) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        Sequence seq = engine.newSequence(params.seed(), params.initScale(), params.warmStart());
        try {
            StepEntry last = prefill(seq, prompt, params);
            TokenRecord record = new TokenRecord();
            while (true) {
                int token = params.sampler().sample(last.lastLogits(), params.seed(), record.size());
                record.append(token, last.exitStep(), last.criterionValue());
                if (params.stopTokens().contains(token)) {
                    return GenerationResult.of(record, FinishReason.STOP);
                }
                if (record.size() == params.maxNewTokens()) {
                    return GenerationResult.of(record, FinishReason.LENGTH);
                }
                last = runToExit(engine.decode(seq, token, params.exit()));
            }
        } finally {
            engine.release(seq);
        }
    }

    private StepEntry prefill(Sequence seq, int[] prompt, GenerationParams params) {
        int chunk = engine.prefillChunkable(params.exit()) ? prefillChunk : prompt.length;
        StepEntry last = null;
        for (int from = 0; from < prompt.length; from += chunk) {
            int to = Math.min(prompt.length, from + chunk);
            last = runToExit(engine.prefill(seq, Arrays.copyOfRange(prompt, from, to), to == prompt.length, params.exit()));
        }
        return last;
    }

    private StepEntry runToExit(StepEntry entry) {
        List<StepEntry> batch = List.of(entry);
        while (!entry.exited()) {
            engine.step(batch);
        }
        return entry;
    }
}
