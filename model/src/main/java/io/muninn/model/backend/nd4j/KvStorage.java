package io.muninn.model.backend.nd4j;

import io.muninn.model.kv.KvBlockPool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The KV cache's rows in native memory: keys and values of every block of a {@link KvBlockPool}, each a dense FP32
 * (blocks · blockTokens, hidden) array allocated in full when the model is bound. Rows are addressed through a
 * sequence's block tables ({@code kv.SequenceKv}); the pool says which blocks are taken.
 */
record KvStorage(INDArray keys, INDArray values) {

    static KvStorage allocate(KvBlockPool pool) {
        return new KvStorage(Nd4j.create(DataType.FLOAT, pool.totalRows(), pool.hidden()),
                Nd4j.create(DataType.FLOAT, pool.totalRows(), pool.hidden()));
    }
}
