package io.muninn.model.kv;

/**
 * How core layer-calls share KV slots ({@code compress-*}). A core call is numbered
 * {@code idx = R · iteration + layer} (0-based within the core; the reference's {@code step_idx − 2}); sharing maps
 * it to a physical core slot before the write, so later iterations overwrite earlier ones.
 */
public sealed interface SlotSharing {

    /** The physical core slot of core call {@code idx}. */
    int slotOf(int idx, int coreLayers);

    /** The smallest core call that writes {@code slot}: a position that ran d iterations has it iff this is < R·d. */
    int firstWriter(int slot, int coreLayers);

    /** How many physical core slots a sequence needs for up to {@code maxSteps} iterations. */
    int slotCount(int maxSteps, int coreLayers);

    /** Every call keeps its own slot. */
    record None() implements SlotSharing {
        @Override
        public int slotOf(int idx, int coreLayers) {
            return idx;
        }

        @Override
        public int firstWriter(int slot, int coreLayers) {
            return slot;
        }

        @Override
        public int slotCount(int maxSteps, int coreLayers) {
            return coreLayers * maxSteps;
        }
    }

    /** {@code compress-sN}: {@code idx mod N} (N layer-calls; N = R keeps one slot per core layer). */
    record Modulo(int n) implements SlotSharing {
        @Override
        public int slotOf(int idx, int coreLayers) {
            return idx % n;
        }

        @Override
        public int firstWriter(int slot, int coreLayers) {
            return slot;
        }

        @Override
        public int slotCount(int maxSteps, int coreLayers) {
            return Math.min(n, coreLayers * maxSteps);
        }
    }

    /** {@code compress-rN}: {@code idx / N} (N consecutive layer-calls share one slot). */
    record Grouped(int n) implements SlotSharing {
        @Override
        public int slotOf(int idx, int coreLayers) {
            return idx / n;
        }

        @Override
        public int firstWriter(int slot, int coreLayers) {
            return slot * n;
        }

        @Override
        public int slotCount(int maxSteps, int coreLayers) {
            return (coreLayers * maxSteps + n - 1) / n;
        }
    }

    /** {@code compress-anchor}: own slots for the first 8 iterations, then all share the 9th iteration's slots. */
    record Anchor() implements SlotSharing {
        static final int KEPT_ITERATIONS = 8;

        @Override
        public int slotOf(int idx, int coreLayers) {
            int kept = KEPT_ITERATIONS * coreLayers;
            return idx < kept ? idx : kept + (idx - kept) % coreLayers;
        }

        @Override
        public int firstWriter(int slot, int coreLayers) {
            return slot;
        }

        @Override
        public int slotCount(int maxSteps, int coreLayers) {
            return coreLayers * Math.min(maxSteps, KEPT_ITERATIONS + 1);
        }
    }
}
