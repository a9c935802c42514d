package io.muninn.model.engine;

/**
 * How an engine instance is set up.
 *
 * @param kvStrategy   KV lookup strategy name as the reference names it (default {@code latest-m4})
 * @param maxSteps     the most recurrence steps any token may run; sizes the KV slots (default: the config's
 *                     {@code mean_recurrence})
 * @param kvBudgetBytes the byte budget of the KV block pool, allocated up front
 * @param kvBlockTokens positions per KV block
 */
public record EngineOptions(String kvStrategy, int maxSteps, long kvBudgetBytes, int kvBlockTokens) {

    /** Defaults, defined once here; the operator's options ({@code MuninnOptions}) refer to them. */
    public static final long DEFAULT_KV_BUDGET = 256L << 20;
    public static final int DEFAULT_BLOCK_TOKENS = 16;

    public EngineOptions {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps must be >= 1 but was " + maxSteps);
        }
        if (kvBudgetBytes <= 0) {
            throw new IllegalArgumentException("kv budget must be > 0 bytes but was " + kvBudgetBytes);
        }
        if (kvBlockTokens < 1) {
            throw new IllegalArgumentException("kv block size must be >= 1 but was " + kvBlockTokens);
        }
    }

    public static EngineOptions defaults(int maxSteps) {
        return new EngineOptions(io.muninn.model.kv.KvStrategy.DEFAULT, maxSteps, DEFAULT_KV_BUDGET, DEFAULT_BLOCK_TOKENS);
    }

    public EngineOptions withKvStrategy(String name) {
        return new EngineOptions(name, maxSteps, kvBudgetBytes, kvBlockTokens);
    }

    public EngineOptions withKvBudget(long bytes) {
        return new EngineOptions(kvStrategy, maxSteps, bytes, kvBlockTokens);
    }
}
