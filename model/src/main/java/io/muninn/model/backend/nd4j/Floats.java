package io.muninn.model.backend.nd4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Copies between ND4J arrays and Java float arrays. */
final class Floats {
    private Floats() {}

    /** All elements, row-major. */
    static float[] of(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
