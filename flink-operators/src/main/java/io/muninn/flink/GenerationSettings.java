package io.muninn.flink;

import io.muninn.model.scheduler.AdmissionPolicy;
import java.io.Serializable;

/**
 * Everything the operator needs to build its engine and scheduler, fixed when the job graph is built. Built and
 * checked by {@link RecurrentDepthGeneration.Builder}; see {@link MuninnOptions} for each value's meaning.
 *
 * @param maxSteps 0 for the model's {@code mean_recurrence}
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
        AdmissionPolicy admission) implements Serializable {}
