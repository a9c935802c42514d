package io.muninn.model.scheduler;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.tokenizer.StreamingDetokenizer;
import java.util.List;

/**
 * Whether the head of the queue may be admitted, and what admission holds: the KV bytes reserved under
 * {@link AdmissionPolicy#RESERVE_WORST_CASE}, the engine sequence, and the order of admission. Also picks the
 * block demand that {@link AdmissionPolicy#PREEMPT_RECOMPUTE} preempts against.
 */
final class Admission {
    private final RecurrentDepthEngine engine;
    private final SchedulerOptions options;
    private long reservedBytes;
    private long admissions;

    Admission(RecurrentDepthEngine engine, SchedulerOptions options) {
        this.engine = engine;
        this.options = options;
    }

    /** Why {@code r} can never be admitted (it needs more KV than the whole budget); null when it can. */
    String neverFits(SequenceRequest r) {
        long need = engine.worstCaseKvBytes(r.prompt().length + r.params().maxNewTokens());
        long budget = engine.pool().totalBytes();
        if (need <= budget) {
            return null;
        }
        return String.format("request needs up to %s bytes of KV cache (prompt %s + max_new_tokens %s tokens at up to"
                        + " %s steps) but the engine's KV budget is %s bytes",
                need, r.prompt().length, r.params().maxNewTokens(), r.params().exit().maxSteps(), budget);
    }

    /** Whether {@code l} fits now: its worst case in what is unreserved, or its next position in the free pool. */
    boolean fitsNow(RequestLifecycle l) {
        SequenceRequest r = l.request();
        long budget = engine.pool().totalBytes();
        return options.admission() == AdmissionPolicy.RESERVE_WORST_CASE
                ? reservedBytes + engine.worstCaseKvBytes(r.prompt().length + r.params().maxNewTokens()) <= budget
                : engine.worstCaseKvBytes(r.prompt().length + l.generated() + 1) <= budget - engine.pool().bytesInUse();
    }

    /** Admits {@code l}: reserves its bytes if the policy reserves, and creates its engine sequence. */
    ActiveSequence admit(RequestLifecycle l, StreamingDetokenizer detok) {
        SequenceRequest r = l.request();
        long reserved = options.admission() == AdmissionPolicy.RESERVE_WORST_CASE
                ? engine.worstCaseKvBytes(r.prompt().length + r.params().maxNewTokens()) : 0;
        reservedBytes += reserved;
        var params = r.params();
        return new ActiveSequence(l, engine.newSequence(params.seed(), params.initScale(), params.warmStart()),
                reserved, admissions++, detok);
    }

    /** Frees what admission gave {@code a}: its KV cache and any reservation. */
    void release(ActiveSequence a) {
        engine.release(a.sequence);
        reservedBytes -= a.reservedBytes;
    }

    /** Whether the next step's worst-case block demand of {@code admitted} exceeds the free pool. */
    boolean underPressure(List<RequestLifecycle> admitted) {
        var config = engine.config();
        int bt = engine.pool().blockTokens();
        long blocks = 0;
        for (RequestLifecycle l : admitted) {
            ActiveSequence a = l.admitted();
            int slots = config.coreLayers() + config.codaLayers() + (a.startsPositions() ? config.preludeLayers() : 0);
            blocks += (long) slots * ((a.nextRows() + bt - 1) / bt + 1);
        }
        return blocks > engine.pool().freeBlocks();
    }
}
