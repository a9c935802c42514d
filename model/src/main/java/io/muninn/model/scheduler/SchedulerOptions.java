package io.muninn.model.scheduler;

/**
 * Capacity of a {@link StepScheduler}. The KV byte budget is the engine's pool.
 *
 * @param maxRowsPerStep       rows (decode rows plus prefill chunk rows) in one micro-batch
 * @param maxActiveSequences   sequences admitted at once
 * @param prefillChunk         rows of one prefill chunk, so a long prompt never stalls decoding
 * @param admission            never-evict worst-case reservation, or preempt-and-recompute under pressure
 */
public record SchedulerOptions(int maxRowsPerStep, int maxActiveSequences, int prefillChunk, AdmissionPolicy admission) {

    /** Defaults, defined once here; the operator's options ({@code MuninnOptions}) refer to them. */
    public static final int DEFAULT_MAX_ROWS_PER_STEP = 256;
    public static final int DEFAULT_MAX_ACTIVE_SEQUENCES = 64;
    public static final int DEFAULT_PREFILL_CHUNK = 64;
    public static final AdmissionPolicy DEFAULT_ADMISSION = AdmissionPolicy.RESERVE_WORST_CASE;

    public SchedulerOptions {
        if (maxRowsPerStep < 1) {
            throw new IllegalArgumentException("max rows per step must be >= 1 but was " + maxRowsPerStep);
        }
        if (maxActiveSequences < 1) {
            throw new IllegalArgumentException("max active sequences must be >= 1 but was " + maxActiveSequences);
        }
        if (prefillChunk < 1 || prefillChunk > maxRowsPerStep) {
            throw new IllegalArgumentException(String.format(
                    "prefill chunk must be in [1, %s] (max rows per step) but was %s", maxRowsPerStep, prefillChunk));
        }
    }

    public static SchedulerOptions defaults() {
        return new SchedulerOptions(DEFAULT_MAX_ROWS_PER_STEP, DEFAULT_MAX_ACTIVE_SEQUENCES, DEFAULT_PREFILL_CHUNK,
                DEFAULT_ADMISSION);
    }
}
