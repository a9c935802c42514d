package io.muninn.model.backend;

import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.weights.ModelWeights;

/**
 * The numeric backend the engine runs on (model/README.md, "The backend interface"): it binds a loaded model to a KV
 * layout and returns the {@link StepModel} that does every step's arithmetic. The engine, the scheduler and the
 * operator see only this package's types; which library computes (ND4J with oneDNN and OpenBLAS on the CPU today,
 * {@code backend.nd4j.Nd4jBackend}) and where the numbers live (native memory, a GPU's memory) stays below it.
 */
public interface Backend {

    /**
     * Builds the stages of {@code weights} for one engine: matrices are prepared (packed, uploaded) here, once.
     * Keys and values are written to and read from {@code pool} as {@code layout} says.
     */
    StepModel bind(ModelWeights weights, KvBlockPool pool, KvLayout layout);
}
