package io.muninn.model.exit;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Every exit check of one step at once, reading the rows where a backend holds them: its native memory as direct
 * {@link FloatBuffer}s (or heap arrays, wrapped), so that only one value per token crosses to the heap. Each check
 * runs its criterion's own formula ({@link LogitCriterion#checkBatched}, {@link LatentCriterion#value}), the same
 * arithmetic as {@link ExitCriterion#evaluate} on a heap copy, so values are bit for bit the heap path's ({@code kl}:
 * to float64 rounding, {@link BatchedKl}). Tokens run in parallel when the work is large enough to pay for it; each
 * token's sums run in one order, so values do not depend on the parallelism. Criteria may differ between tokens.
 */
public final class BatchedChecks {
    /** Below this many values read in all, a batch runs on the calling thread. */
    private static final long PARALLEL_VALUES = 1 << 15;

    private BatchedChecks() {}

    /**
     * The logit checks: check i reads the row {@code logits[offsets[i] .. offsets[i]+vocab)} (its token's last row).
     * Moves each memory to this check and records it; returns the values in the order of {@code checks}.
     *
     * @throws IllegalArgumentException for a criterion that reads no logits, or a row a softmax cannot handle
     */
    public static double[] logits(List<ExitCheck> checks, FloatBuffer logits, int[] offsets, int vocab) {
        requireCount(checks, offsets.length, "logit rows");
        LogitCriterion[] criteria = new LogitCriterion[checks.size()];
        for (int i = 0; i < criteria.length; i++) {
            if (!(checks.get(i).criterion() instanceof LogitCriterion c)) {
                throw new IllegalArgumentException("exit criterion " + checks.get(i).criterion().name()
                        + " reads no logits, so it has no logit check");
            }
            criteria[i] = c;
        }
        return run(checks, (long) vocab * checks.size(),
                i -> criteria[i].checkBatched(checks.get(i).memory(), logits, offsets[i], vocab));
    }

    /**
     * The latent checks: check i compares the {@code rows[i] x hidden} outputs in {@code current[i]} (row-major from
     * index 0) with its previous check's (or s0) in {@code previous[i]}. Records each check but does not touch
     * {@code previous}: the caller then copies {@code current} over it where it lies. Returns the values in order.
     *
     * @throws IllegalArgumentException for a criterion that reads no latents
     */
    public static double[] latents(List<ExitCheck> checks, FloatBuffer[] current, FloatBuffer[] previous, int[] rows,
            int hidden) {
        requireCount(checks, current.length, "current blocks");
        requireCount(checks, previous.length, "previous blocks");
        requireCount(checks, rows.length, "row counts");
        LatentCriterion[] criteria = new LatentCriterion[checks.size()];
        long values = 0;
        for (int i = 0; i < criteria.length; i++) {
            if (!(checks.get(i).criterion() instanceof LatentCriterion c)) {
                throw new IllegalArgumentException("exit criterion " + checks.get(i).criterion().name()
                        + " reads no latents, so it has no latent check");
            }
            criteria[i] = c;
            values += (long) rows[i] * hidden;
        }
        return run(checks, values, i -> criteria[i].value(current[i], previous[i], rows[i], hidden));
    }

    private static double[] run(List<ExitCheck> checks, long valuesRead, IntToDoubleFunction check) {
        double[] values = new double[checks.size()];
        IntStream tokens = IntStream.range(0, values.length);
        if (values.length > 1 && valuesRead >= PARALLEL_VALUES) {
            tokens = tokens.parallel();
        }
        tokens.forEach(i -> values[i] = check.applyAsDouble(i));
        for (int i = 0; i < values.length; i++) {
            checks.get(i).memory().recordCheck(values[i]);
        }
        return values;
    }

    private static void requireCount(List<ExitCheck> checks, int count, String what) {
        if (count != checks.size()) {
            throw new IllegalArgumentException(
                    "a batch of " + checks.size() + " exit checks needs as many " + what + " but got " + count);
        }
    }
}
