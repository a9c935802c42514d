package io.muninn.model.backend;

import io.muninn.model.backend.nd4j.Nd4jBackend;

/**
 * The backends this build has, for the callers that pick one without caring which: the engine's users (the
 * operator, the command line, the benchmarks) ask for {@link #standard()}; a second backend is added here.
 */
public final class Backends {
    private Backends() {}

    /**
     * ND4J on the CPU (oneDNN and OpenBLAS for the matrix products, {@code -Dmuninn.matmul} to choose), or ND4J's
     * CUDA backend when the build has it.
     */
    public static Backend standard() {
        return new Nd4jBackend();
    }

    /** Frees the calling thread's step memory in every backend (the arenas of the steps it ran). */
    public static void releaseThreadMemory() {
        Nd4jBackend.releaseCurrentThread();
    }
}
