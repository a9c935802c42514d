package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.LatentRows;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link LatentRows} as a dense (rows, hidden) FLOAT array of its own, allocated outside every workspace (it outlives
 * the step that made it). Steps copy it into and out of their stacked batch with one native copy per entry
 * ({@link RowCopy}).
 */
final class Nd4jLatentRows implements LatentRows {
    private INDArray array;

    private Nd4jLatentRows(INDArray array) {
        this.array = array;
    }

    /** A new uninitialised block. */
    static Nd4jLatentRows allocate(int rows, int hidden) {
        return new Nd4jLatentRows(Nd4j.createUninitializedDetached(DataType.FLOAT, rows, hidden));
    }

    static Nd4jLatentRows of(LatentRows rows) {
        if (!(rows instanceof Nd4jLatentRows)) {
            throw new IllegalArgumentException("the nd4j backend cannot read latent rows of " + rows.getClass().getName());
        }
        return (Nd4jLatentRows) rows;
    }

    INDArray array() {
        if (array == null) {
            throw new IllegalStateException("latent rows used after close");
        }
        return array;
    }

    /** A direct buffer over the block's native memory, its values from index 0 (no copy). */
    FloatBuffer buffer() {
        return array().data().asNioFloat();
    }

    @Override
    public int rows() {
        return (int) array().size(0);
    }

    @Override
    public float[] toHeap() {
        return array().data().asFloat();
    }

    @Override
    public float[] rowToHeap(int row) {
        int hidden = (int) array().size(1);
        float[] out = new float[hidden];
        buffer().position(row * hidden).get(out);
        return out;
    }

    @Override
    public void close() {
        if (array != null) {
            array.close();
            array = null;
        }
    }
}
