package io.muninn.model.kv;

/**
 * The KV slots of one model under one strategy: prelude slots {@code 0 .. P-1}, physical core slots
 * {@code P .. P+S-1} (S from the strategy's sharing and the engine's step cap), coda slots after them. Answers which
 * slot an earlier position contributes to a core layer-call.
 */
public final class KvLayout {
    private final int prelude;
    private final int core;
    private final int coda;
    private final int maxSteps;
    private final int coreSlots;
    private final KvStrategy strategy;

    public KvLayout(int preludeLayers, int coreLayers, int codaLayers, int maxSteps, KvStrategy strategy) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1 but was " + maxSteps);
        }
        this.prelude = preludeLayers;
        this.core = coreLayers;
        this.coda = codaLayers;
        this.maxSteps = maxSteps;
        this.strategy = strategy;
        this.coreSlots = strategy.sharing().slotCount(maxSteps, coreLayers);
    }

    public int preludeSlot(int layer) {
        return layer;
    }

    /** The physical slot core layer {@code layer} writes at 0-based {@code iteration}. */
    public int coreSlot(int iteration, int layer) {
        if (iteration >= maxSteps) {
            throw new IllegalArgumentException(
                    "iteration " + iteration + " is beyond the engine's step cap of " + maxSteps);
        }
        return prelude + strategy.sharing().slotOf(core * iteration + layer, core);
    }

    public int codaSlot(int layer) {
        return prelude + coreSlots + layer;
    }

    public int slotCount() {
        return prelude + coreSlots + coda;
    }

    /**
     * KV bytes one position holds when it runs {@code maxSteps} iterations: every slot's key and value, FP32. Block
     * granularity of the pool comes on top (at most one partly filled block per slot and sequence).
     */
    public long bytesPerTokenWorstCase(int hidden) {
        return (long) slotCount() * 2 * hidden * Float.BYTES;
    }

    /** KV bytes one position holds when it ran {@code depth} iterations. */
    public long bytesPerToken(int hidden, int depth) {
        int slots = prelude + coda;
        for (int c = 0; c < coreSlots; c++) {
            if (present(c, depth)) {
                slots++;
            }
        }
        return (long) slots * 2 * hidden * Float.BYTES;
    }

    public boolean isCoreSlot(int slot) {
        return slot >= prelude && slot < prelude + coreSlots;
    }

    public int maxSteps() {
        return maxSteps;
    }

    public KvStrategy strategy() {
        return strategy;
    }

    /**
     * The slot whose entry an earlier position that ran {@code depth} iterations contributes to a call at core slot
     * {@code slot}, or −1 when it contributes none.
     */
    public int coreSource(int slot, int depth) {
        int c = slot - prelude;
        switch (strategy.lookup()) {
            case EXISTING:
                return present(c, depth) ? slot : -1;
            case LATEST:
                for (int s = c; s >= 0; s -= core) {
                    if (present(s, depth)) {
                        return prelude + s;
                    }
                }
                return -1;
            case ALWAYS_LAST:
                int top = c + ((coreSlots - 1 - c) / core) * core;
                for (int s = top; s >= 0; s -= core) {
                    if (present(s, depth)) {
                        return prelude + s;
                    }
                }
                return -1;
            default:
                throw new IllegalStateException("unknown lookup " + strategy.lookup());
        }
    }

    /** Whether a position that ran {@code depth} iterations has an entry at core slot {@code slot}. */
    public boolean hasEntry(int slot, int depth) {
        return present(slot - prelude, depth);
    }

    /**
     * Whether a prompt may be prefilled in several chunks with the same result as one: only when no later iteration
     * overwrites an earlier one's slot and the lookup never reads deeper than the caller (an earlier chunk has
     * finished all its iterations before a later chunk starts).
     */
    public boolean chunkedPrefillExact() {
        return !strategy.overwrites() && strategy.lookup() != KvLookup.ALWAYS_LAST;
    }

    private boolean present(int coreSlot, int depth) {
        return strategy.sharing().firstWriter(coreSlot, core) < core * depth;
    }
}
