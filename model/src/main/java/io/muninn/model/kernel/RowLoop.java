package io.muninn.model.kernel;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs a row-wise kernel over rows in parallel (the common fork-join pool and the calling thread) when the work is
 * large enough to pay for the hand-off, else in a plain loop. Rows must be independent.
 */
final class RowLoop {
    /** Below this many elements of work a step's kernel runs on the calling thread alone. */
    static final long PARALLEL_FROM = 1L << 15;

    private RowLoop() {}

    static void forEach(int rows, long workPerRow, IntConsumer row) {
        if (rows > 1 && rows * workPerRow >= PARALLEL_FROM) {
            IntStream.range(0, rows).parallel().forEach(row);
        } else {
            for (int r = 0; r < rows; r++) {
                row.accept(r);
            }
        }
    }
}
