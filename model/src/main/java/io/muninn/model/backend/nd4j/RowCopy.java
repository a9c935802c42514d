package io.muninn.model.backend.nd4j;

import io.muninn.model.kernel.Accelerator;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Copies whole rows between dense row-major FLOAT arrays in native memory: one {@code memcpy} per block on the CPU
 * backend (no ND4J op, no heap copy), a view assignment on ND4J's CUDA backend.
 */
final class RowCopy {
    private static final boolean CUDA = Accelerator.cudaBackend();

    private RowCopy() {}

    /** Rows {@code fromRow .. fromRow+rows-1} of {@code from} over rows {@code toRow ..} of {@code to}. */
    static void copy(INDArray from, long fromRow, INDArray to, long toRow, long rows) {
        INDArray source = from.isView() || from.ordering() != 'c' ? from.dup('c') : from;
        long hidden = width(source);
        if (width(to) != hidden) {
            throw new IllegalArgumentException("row copy between widths " + hidden + " and " + to.size(1));
        }
        if (CUDA) {
            to.get(NDArrayIndex.interval(toRow, toRow + rows), NDArrayIndex.all())
                    .assign(source.get(NDArrayIndex.interval(fromRow, fromRow + rows), NDArrayIndex.all()));
            return;
        }
        Pointer.memcpy(new Address(to, toRow * hidden), new Address(source, fromRow * hidden), rows * hidden * Float.BYTES);
    }

    private static long width(INDArray a) {
        if (a.rank() != 2 || a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a (rows, hidden) FLOAT array but got " + a.shapeInfoToString());
        }
        return a.size(1);
    }

    /** A borrowed native address {@code elements} floats into the array; JavaCPP never frees it. */
    private static final class Address extends Pointer {
        Address(INDArray a, long elements) {
            if (a.isView() || a.ordering() != 'c') {
                throw new IllegalArgumentException("row copies need a dense row-major array but got " + a.shapeInfoToString());
            }
            this.address = a.data().address() + (a.offset() + elements) * Float.BYTES;
        }
    }
}
