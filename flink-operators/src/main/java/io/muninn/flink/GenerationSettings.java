package io.muninn.flink;

import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.LatencyTarget;
import io.muninn.model.scheduler.LatencyTargetController;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.schemas.Generation;
import java.io.Serializable;

/**
 * Everything the operator needs to build its engine and scheduler, fixed when the job graph is built. Built and
 * checked by {@link RecurrentDepthGeneration.Builder}; see {@link MuninnOptions} for each value's meaning.
 *
 * @param kvStrategy    the strategy's name, checked against the model's layout (its core layer count)
 * @param maxSteps      0 for the model's {@code mean_recurrence}
 * @param exitInPrefill whether the exit criterion may end the prefill for a request that does not say
 *                      ({@code generation.prefill_exit} null and {@code generation.exit_in_prefill} false)
 * @param tpotTargetNanos {@code muninn.latency.tpot-target} in nanoseconds; 0 when not set (no relaxation)
 * @param tpotWindowNanos {@code muninn.latency.window}
 * @param stageDwellNanos {@code muninn.latency.dwell}
 * @param maxStage        {@code muninn.latency.max-stage}
 */
public record GenerationSettings(
        String modelPath,
        String kvStrategy,
        long kvBudgetBytes,
        int kvBlockTokens,
        int maxSteps,
        int maxActiveSequences,
        int maxWaitingSequences,
        int maxRowsPerStep,
        int prefillChunk,
        int maxNewTokens,
        AdmissionPolicy admission,
        boolean exitInPrefill,
        long tpotTargetNanos,
        long tpotWindowNanos,
        long stageDwellNanos,
        int maxStage) implements Serializable {

    /** Settings without a latency target, as before there was one. */
    public GenerationSettings(String modelPath, String kvStrategy, long kvBudgetBytes, int kvBlockTokens, int maxSteps,
            int maxActiveSequences, int maxWaitingSequences, int maxRowsPerStep, int prefillChunk, int maxNewTokens,
            AdmissionPolicy admission, boolean exitInPrefill) {
        this(modelPath, kvStrategy, kvBudgetBytes, kvBlockTokens, maxSteps, maxActiveSequences, maxWaitingSequences,
                maxRowsPerStep, prefillChunk, maxNewTokens, admission, exitInPrefill, 0,
                LatencyTarget.DEFAULT_WINDOW_NANOS, LatencyTarget.DEFAULT_DWELL_NANOS,
                io.muninn.model.exit.Relaxation.MAX_STAGE);
    }

    /** The latency target the scheduler holds, or null when {@code muninn.latency.tpot-target} is not set. */
    public LatencyTarget latencyTarget() {
        return tpotTargetNanos == 0 ? null : new LatencyTarget(tpotTargetNanos, tpotWindowNanos, stageDwellNanos,
                LatencyTarget.DEFAULT_RESTORE_BELOW, maxStage);
    }

    /**
     * The scheduler's options, as every engine built from these settings runs them (the operator's, the SQL
     * provider's): a prefill chunk is at most the rows a step may hold.
     */
    public SchedulerOptions schedulerOptions() {
        return new SchedulerOptions(maxRowsPerStep, maxActiveSequences, Math.min(prefillChunk, maxRowsPerStep),
                admission);
    }

    /** A fresh controller of {@link #latencyTarget()} on the monotonic clock, or null without a target. */
    public LatencyTargetController latencyController() {
        LatencyTarget target = latencyTarget();
        return target == null ? null : new LatencyTargetController(target, System::nanoTime);
    }

    /** Whether {@code g} runs with exit in prefill under these settings: {@link #exitInPrefill(Generation, boolean)}. */
    public boolean exitInPrefillFor(Generation g) {
        return exitInPrefill(g, exitInPrefill);
    }

    /**
     * A request's exit-in-prefill choice: {@code generation.prefill_exit} when set; else true when the v1 field
     * {@code exit_in_prefill} is true (its false cannot be told apart from an absent field); else {@code operatorDefault}
     * ({@code muninn.exit-in-prefill}; schemas/README.md, "Exit in prefill by default").
     */
    public static boolean exitInPrefill(Generation g, boolean operatorDefault) {
        if (g.getPrefillExit() != null) {
            return g.getPrefillExit();
        }
        return g.getExitInPrefill() || operatorDefault;
    }
}
