package io.muninn.model.kv;

/**
 * Fixed-size KV blocks (paged, as in vLLM) within a byte budget: which blocks are free and which are taken. A block
 * holds {@code blockTokens} positions of one slot of one sequence; block b owns rows
 * {@code b·blockTokens .. (b+1)·blockTokens − 1} of the backend's key and value storage, which the backend allocates
 * for {@link #totalBlocks()} blocks when the model is bound ({@code backend.Backend#bind}; FP32, so
 * {@link #bytesPerBlock} is what each block costs there). No numeric types here: the engine and the scheduler count
 * blocks and bytes through this class, whatever backend holds the rows. Not thread-safe: one engine, one thread.
 */
public final class KvBlockPool {
    private final int hidden;
    private final int blockTokens;
    private final int blocks;
    private final int[] free;
    private int freeCount;

    public KvBlockPool(int hidden, int blockTokens, long budgetBytes) {
        if (blockTokens < 1) {
            throw new IllegalArgumentException("kv block size must be >= 1 token but was " + blockTokens);
        }
        long perBlock = bytesPerBlock(hidden, blockTokens);
        long count = budgetBytes / perBlock;
        if (count < 1) {
            throw new IllegalArgumentException(String.format(
                    "kv budget of %s bytes holds no block; one block of %s tokens needs %s bytes",
                    budgetBytes, blockTokens, perBlock));
        }
        if (count * blockTokens > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kv budget of " + budgetBytes + " bytes exceeds 2^31 rows");
        }
        this.hidden = hidden;
        this.blockTokens = blockTokens;
        this.blocks = (int) count;
        this.free = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            free[i] = blocks - 1 - i; // hand out low blocks first
        }
        this.freeCount = blocks;
    }

    /** Bytes of one block: keys and values of {@code blockTokens} positions, FP32. */
    public static long bytesPerBlock(int hidden, int blockTokens) {
        return 2L * blockTokens * hidden * Float.BYTES;
    }

    public int allocate() {
        if (freeCount == 0) {
            throw new KvBudgetExceededException(String.format(
                    "kv pool exhausted: all %s blocks (%s bytes) are in use", blocks, totalBytes()));
        }
        return free[--freeCount];
    }

    public void release(int block) {
        free[freeCount++] = block;
    }

    public int blockTokens() {
        return blockTokens;
    }

    public int hidden() {
        return hidden;
    }

    public int totalBlocks() {
        return blocks;
    }

    public int freeBlocks() {
        return freeCount;
    }

    public long totalBytes() {
        return blocks * bytesPerBlock(hidden, blockTokens);
    }

    public long bytesInUse() {
        return (long) (blocks - freeCount) * bytesPerBlock(hidden, blockTokens);
    }

    /** Rows of the backend's key (and value) storage: every block's positions. */
    public long totalRows() {
        return (long) blocks * blockTokens;
    }
}
