package io.muninn.model.backend;

/**
 * A block of FP32 rows ({@code rows x hidden}, row-major) that a {@link StepModel} holds between steps in its own
 * memory (native memory, or a GPU's): one step entry's latent state or its injection. The engine keeps one per entry
 * and only copies values to the heap when a caller or a latent-based exit criterion asks for them.
 *
 * <p>Owned by one engine thread. {@link #close} frees the memory at once; a block that is never closed (an entry
 * abandoned mid-token) is freed when it becomes unreachable.
 */
public interface LatentRows extends AutoCloseable {

    int rows();

    /** A heap copy of every row, row-major. */
    float[] toHeap();

    /** A heap copy of row {@code row}. */
    float[] rowToHeap(int row);

    /** Frees the block; it must not be used again. Closing twice is harmless. */
    @Override
    void close();
}
