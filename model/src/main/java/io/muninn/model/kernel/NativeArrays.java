package io.muninn.model.kernel;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks and native addresses of the FLOAT arrays the kernels hand to native libraries. */
final class NativeArrays {
    private NativeArrays() {}

    static void checkWeight(INDArray w) {
        if (w.rank() != 2 || w.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a linear weight must be a 2-d FLOAT matrix but was " + w.dataType() + " " + w.shapeInfoToString());
        }
    }

    /** x as a row-major (n, in) FLOAT array without an offset: x itself when it is one, else a copy. */
    static INDArray dense(INDArray x, long in) {
        if (x.rank() != 2 || x.size(1) != in || x.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected (n, " + in + ") FLOAT input but was " + x.dataType() + " " + x.shapeInfoToString());
        }
        return x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
    }

    /** The address of the array's first element (its buffer's address plus its offset); the array keeps it alive. */
    static Pointer address(INDArray a) {
        return new Address(a.data().address() + a.offset() * Float.BYTES);
    }

    /** The raw address {@code address} as a pointer that JavaCPP never frees. */
    static Pointer at(long address) {
        return new Address(address);
    }

    /** A borrowed native address that JavaCPP never frees. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
