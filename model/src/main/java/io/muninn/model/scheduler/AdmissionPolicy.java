package io.muninn.model.scheduler;

/** How the scheduler keeps the KV cache within its byte budget. */
public enum AdmissionPolicy {
    /**
     * Admit a sequence only when its worst-case KV (every token running {@code max_steps}, up to
     * {@code max_new_tokens}) fits beside every admitted sequence's worst case. Nothing is ever evicted.
     */
    RESERVE_WORST_CASE,
    /**
     * Admit while the pool has room for the prompt; when a step could run out of blocks, preempt the most recently
     * admitted sequence (release its KV, requeue it first) and later rebuild it by replay, as vLLM recomputes.
     */
    PREEMPT_RECOMPUTE
}
