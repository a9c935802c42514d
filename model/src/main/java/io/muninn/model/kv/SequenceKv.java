package io.muninn.model.kv;


import java.util.Arrays;

/**
 * One sequence's KV cache: per slot a block table into the pool, and per position the number of core iterations
 * it ran (its depth), which decides what later positions read. Entries are never durable state: they are
 * derived from the tokens and their exit steps and rebuilt by replay.
 */
public final class SequenceKv {
    private static final int[][] NO_TABLES = new int[0][];

    private final KvBlockPool pool;
    private final KvLayout layout;
    private int[][] tables = NO_TABLES;
    private int[] depths = new int[16];
    private int length;
    private int blocksHeld;

    public SequenceKv(KvBlockPool pool, KvLayout layout) {
        this.pool = pool;
        this.layout = layout;
    }

    /** Positions known to the cache (prompt and generated rows that have entered a forward call). */
    public int length() {
        return length;
    }

    public KvLayout layout() {
        return layout;
    }

    public int depth(int position) {
        return depths[position];
    }

    /** Appends {@code count} positions with depth 0; returns the first new position. */
    public int appendPositions(int count) {
        int first = length;
        if (first + count > depths.length) {
            depths = Arrays.copyOf(depths, Math.max(depths.length * 2, first + count));
        }
        length += count;
        return first;
    }

    public void setDepth(int first, int count, int depth) {
        Arrays.fill(depths, first, first + count, depth);
    }

    /** The pool row that will hold {@code position} at {@code slot}, allocating its block (batched writes). */
    public int rowForWrite(int slot, int position) {
        return physicalRow(slot, position, true);
    }

    /**
     * The pool rows, in position order, that a call at positions {@code first .. first+count-1} attends to at
     * {@code slot}: earlier positions per the strategy's lookup (core slots) or at the same slot (prelude, coda),
     * then the call's own rows at {@code slot}.
     */
    public int[] attentionRows(int slot, int first, int count) {
        int[] rows = new int[first + count];
        int n = 0;
        // As the reference: when every earlier position has an entry at this slot, all read it; only otherwise
        // does the strategy's lookup decide (this matters for always-last, which may read deeper entries).
        boolean lookup = layout.isCoreSlot(slot) && !allPresent(slot, first);
        for (int p = 0; p < first; p++) {
            int source = lookup ? layout.coreSource(slot, depths[p]) : slot;
            if (source >= 0) {
                rows[n++] = physicalRow(source, p, false);
            }
        }
        for (int p = first; p < first + count; p++) {
            rows[n++] = physicalRow(slot, p, false);
        }
        return n == rows.length ? rows : Arrays.copyOf(rows, n);
    }

    private boolean allPresent(int slot, int first) {
        for (int p = 0; p < first; p++) {
            if (!layout.hasEntry(slot, depths[p])) {
                return false;
            }
        }
        return true;
    }

    private int physicalRow(int slot, int position, boolean allocate) {
        int bt = pool.blockTokens();
        int blockIndex = position / bt;
        if (slot >= tables.length) {
            tables = Arrays.copyOf(tables, layout.slotCount());
        }
        int[] table = tables[slot];
        if (table == null || blockIndex >= table.length) {
            if (!allocate) {
                throw missing(slot, position);
            }
            int oldLength = table == null ? 0 : table.length;
            table = table == null ? new int[Math.max(4, blockIndex + 1)]
                    : Arrays.copyOf(table, Math.max(table.length * 2, blockIndex + 1));
            Arrays.fill(table, oldLength, table.length, -1);
            tables[slot] = table;
        }
        if (table[blockIndex] < 0) {
            if (!allocate) {
                throw missing(slot, position);
            }
            table[blockIndex] = pool.allocate();
            blocksHeld++;
        }
        return table[blockIndex] * bt + position % bt;
    }

    private IllegalStateException missing(int slot, int position) {
        return new IllegalStateException(String.format(
                "no kv entry for position %s at slot %s (strategy %s)", position, slot, layout.strategy().name()));
    }

    /** Bytes of pool blocks this sequence holds. */
    public long bytesHeld() {
        return blocksHeld * KvBlockPool.bytesPerBlock(pool.hidden(), pool.blockTokens());
    }

    /** The most bytes a sequence of {@code positions} positions can hold under this layout. */
    public static long worstCaseBytes(KvLayout layout, KvBlockPool pool, int positions) {
        long blocksPerSlot = (positions + pool.blockTokens() - 1) / pool.blockTokens();
        return layout.slotCount() * blocksPerSlot * KvBlockPool.bytesPerBlock(pool.hidden(), pool.blockTokens());
    }

    /** Returns every block to the pool; the cache is empty afterwards. */
    public void release() {
        for (int[] table : tables) {
            if (table != null) {
                for (int b : table) {
                    if (b >= 0) {
                        pool.release(b);
                    }
                }
            }
        }
        tables = NO_TABLES;
        blocksHeld = 0;
        length = 0;
    }
}
