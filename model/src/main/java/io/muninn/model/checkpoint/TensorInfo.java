package io.muninn.model.checkpoint;

import java.util.Arrays;

/**
 * One entry of a safetensors header: a tensor's name, element type, shape and byte range. The range is relative to
 * the start of the file's data section (after the 8-byte length and the header), {@code [begin, end)}, and has
 * been checked to hold exactly {@code dtype × shape}.
 */
public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the shape, outermost dimension first (row-major, as PyTorch stores it). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements: the product of the shape (1 for a scalar). */
    public long elementCount() {
        return elementCount(shape);
    }

    /** The shape as {@code [64, 128]}, the form every message uses. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeText() + " @ [" + begin + ", " + end + ")";
    }

    /**
     * The product of {@code shape}.
     *
     * @throws ArithmeticException when it overflows a long
     */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }
}
