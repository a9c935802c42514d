package io.muninn.model.scheduler;

import io.muninn.model.engine.LockstepReplay;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.Sequence;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.Relaxation;
import io.muninn.model.generate.TokenRecord;
import io.muninn.model.tokenizer.StreamingDetokenizer;
import java.util.Arrays;

/**
 * The admitted part of a {@link RequestLifecycle}: its engine state and its one piece of work in flight, a forward
 * call or the next slice of a lockstep replay. It reads what the request generated from the lifecycle's
 * {@link TokenRecord} (never a copy of its own) and lives from admission until the request finishes or is preempted.
 * It moves through prefill chunks, then (after a restore or a preemption) a lockstep replay in slices or, where that
 * is not exact, replay calls with recorded exit steps, then decode rows.
 */
final class ActiveSequence {
    final RequestLifecycle lifecycle;
    final SequenceRequest request;
    final Sequence sequence;
    final long reservedBytes;
    final long admittedAt;
    private final StreamingDetokenizer detokenizer;
    private final int replayUpTo;
    /** The lifecycle's record of generated tokens; the scheduler appends to it. */
    private final TokenRecord progress;
    private int promptEntered;
    private int replayed;
    /** The forward call in flight; null while a lockstep replay runs. */
    StepEntry current;
    /** The lockstep replay in progress, one slice per step; null otherwise. */
    LockstepReplay replay;
    boolean currentProducesToken;
    private boolean currentIsReplayCall;
    int skippedSteps;
    /** The exit policy of the token whose calls are in flight (every prefill chunk shares the first chunk's). */
    private ExitPolicy tokenPolicy;
    /** The relaxation stage the token in flight runs under; 0 for strict requests. */
    int tokenStage;

    ActiveSequence(RequestLifecycle lifecycle, Sequence sequence, long reservedBytes, long admittedAt,
            StreamingDetokenizer detokenizer) {
        this.lifecycle = lifecycle;
        this.request = lifecycle.request();
        this.sequence = sequence;
        this.progress = lifecycle.record();
        this.reservedBytes = reservedBytes;
        this.admittedAt = admittedAt;
        this.detokenizer = detokenizer;
        // every generated token but the last has entered the model; the last one is decoded normally
        this.replayUpTo = Math.max(0, progress.size() - 1);
        if (detokenizer != null) {
            for (int i = 0; i < progress.size(); i++) {
                detokenizer.accept(progress.token(i));
            }
        }
    }

    /**
     * Creates the next piece of work: a lockstep replay (run by {@link #runReplaySlice}), a prefill chunk, a replay
     * call, or a decode row. {@code prefillChunk} also bounds the positions a replay slice iterates. A new token's
     * policy is the request's, relaxed to {@code depth}'s stage and profile unless the request is strict, and capped by
     * its step budget.
     */
    void startNext(RecurrentDepthEngine engine, int prefillChunk, SchedulerStats stats, DepthControl depth) {
        if (currentIsReplayCall) { // the replay call that just exited rebuilt its positions
            stats.recordCallReplayPositions(current.rows());
            currentIsReplayCall = false;
        }
        var policy = request.params().exit();
        int[] prompt = request.prompt();
        boolean replaying = progress.size() > 0;
        if (replaying && promptEntered == 0 && engine.lockstepReplayExact(sequence, replayUpTo)) {
            // lockstep replay (model/README.md, "Replay"): all known positions in lockstep, each to its recorded exit step, a slice per step
            replay = engine.startLockstepReplay(sequence, prompt, progress.tokens(replayUpTo),
                    progress.exitSteps(replayUpTo + 1), policy, prefillChunk);
            promptEntered = prompt.length;
            replayed = replayUpTo;
            current = null;
            currentProducesToken = false;
            return;
        } else if (replaying && promptEntered == 0) {
            stats.recordCallReplay();
        }
        if (promptEntered < prompt.length) {
            int size = engine.prefillChunkable(policy) ? prefillChunk : prompt.length;
            int to = Math.min(prompt.length, promptEntered + size);
            int[] chunk = Arrays.copyOfRange(prompt, promptEntered, to);
            boolean last = to == prompt.length;
            if (!replaying && promptEntered == 0) {
                tokenPolicy = tokenPolicy(depth);
            }
            current = replaying
                    ? engine.replayPrefill(sequence, chunk, progress.exitStep(0), policy)
                    : engine.prefill(sequence, chunk, last, tokenPolicy);
            currentProducesToken = last && !replaying;
            currentIsReplayCall = replaying;
            promptEntered = to;
        } else if (replayed < replayUpTo) {
            current = engine.replayDecode(sequence, progress.token(replayed),
                    progress.exitStep(replayed + 1), policy);
            currentProducesToken = false;
            currentIsReplayCall = true;
            replayed++;
        } else {
            tokenPolicy = tokenPolicy(depth);
            current = engine.decode(sequence, progress.lastToken(), tokenPolicy);
            currentProducesToken = true;
        }
    }

    /** The policy of the next token (index {@code progress.size()}); the request's own when nothing applies. */
    private ExitPolicy tokenPolicy(DepthControl control) {
        ExitPolicy asked = request.params().exit();
        DepthLimits depth = request.depth();
        tokenStage = depth.strictDepth() ? 0 : control.stage();
        ExitPolicy p = tokenStage < 3 ? Relaxation.apply(asked, tokenStage)
                : Relaxation.apply(asked, tokenStage, control.profile());
        if (depth.hasBudget()) {
            p = p.withStepCap(StepBudget.cap(depth.totalStepsBudget(), progress.stepsSpent(), progress.size(),
                    request.params().maxNewTokens(), asked));
        }
        return p;
    }

    /**
     * Runs the next slice of the lockstep replay; when it completes, records it and starts the decode row of the
     * next token (which runs from the next step on).
     */
    void runReplaySlice(RecurrentDepthEngine engine, int prefillChunk, SchedulerStats stats, DepthControl depth) {
        long t0 = System.nanoTime();
        int rebuiltBefore = replay.positionsRebuilt();
        replay.runSlice();
        stats.recordReplaySlice(replay.positionsRebuilt() - rebuiltBefore, System.nanoTime() - t0);
        if (replay.done()) {
            stats.recordLockstepReplay();
            replay = null;
            startNext(engine, prefillChunk, stats, depth);
        }
    }

    /** Whether its KV cache is still being rebuilt from its record: a lockstep replay, or replay calls. */
    boolean isRebuilding() {
        return replay != null || currentIsReplayCall;
    }

    /** Whether a lockstep replay is in progress (the sequence has no forward call in flight). */
    boolean isReplaying() {
        return replay != null;
    }

    /** Rows the next step would run for this sequence. */
    int nextRows() {
        return replay != null ? replay.nextSliceRows() : current.rows();
    }

    /** Whether the work in flight has not started yet (a new forward call, not a replay slice). */
    boolean isNew() {
        return replay == null && current.phase() == StepEntry.Phase.NEW;
    }

    /** Whether the next step begins new positions (a new forward call, or a replay slice that starts a chunk). */
    boolean startsPositions() {
        return replay != null ? replay.nextSliceStartsChunk() : current.phase() == StepEntry.Phase.NEW;
    }

    /** Text completed by {@code token}; empty when no tokenizer is attached. */
    String text(int token) {
        return detokenizer == null ? "" : detokenizer.accept(token);
    }

    boolean isDecodeRow() {
        return current != null && !current.isPrefill();
    }
}
