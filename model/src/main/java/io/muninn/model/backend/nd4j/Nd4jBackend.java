package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Backend;
import io.muninn.model.backend.StepModel;
import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.weights.ModelWeights;

/**
 * The {@link Backend} on ND4J arrays in native memory: the model's stages written against {@link Kernels}
 * ({@link Nd4jKernels}: oneDNN or OpenBLAS for the matrix products, Java loops over native buffers for the rest),
 * each step's temporaries in a per-thread workspace arena ({@link StepWorkspace}), the entries' states and
 * injections in native blocks of their own ({@link Nd4jLatentRows}).
 */
public final class Nd4jBackend implements Backend {
    private final Kernels kernels;

    /** Kernels as {@code -Dmuninn.matmul} says ({@link Nd4jKernels#Nd4jKernels()}). */
    public Nd4jBackend() {
        this(new Nd4jKernels());
    }

    public Nd4jBackend(Kernels kernels) {
        this.kernels = kernels;
    }

    public Kernels kernels() {
        return kernels;
    }

    @Override
    public StepModel bind(ModelWeights weights, KvBlockPool pool, KvLayout layout) {
        return new Nd4jStepModel(new RecurrentDepthModel(weights, kernels, pool, layout));
    }

    /** Frees the calling thread's step arenas. */
    public static void releaseCurrentThread() {
        StepWorkspace.releaseForCurrentThread();
    }
}
