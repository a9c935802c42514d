package io.muninn.model.kernel;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One packed copy per weight matrix in the JVM, whichever engine asks: engines built over the same loaded weights
 * (several operator instances of a task manager) share the packs. A weight is recognised by its buffer (held
 * weakly, compared by identity), offset, shape and strides, so a view such as the adapter's state half is
 * recognised too. An entry goes when its weight's buffer has been collected; the pack's native memory is freed when
 * the last engine holding it is.
 */
final class PackCache {
    private static final ReferenceQueue<DataBuffer> CLEARED = new ReferenceQueue<>();
    private static final Map<Key, OneDnnLinear> PACKS = new HashMap<>();

    private PackCache() {}

    static synchronized OneDnnLinear packed(INDArray w) {
        for (Object k; (k = CLEARED.poll()) != null; ) {
            PACKS.remove(k);
        }
        Key key = new Key(w, CLEARED);
        return PACKS.computeIfAbsent(key, k -> OneDnnLinear.pack(w));
    }

    private static final class Key extends WeakReference<DataBuffer> {
        private final long offset;
        private final long[] shape;
        private final long[] strides;
        private final int hash;

        Key(INDArray w, ReferenceQueue<DataBuffer> queue) {
            super(w.data(), queue);
            this.offset = w.offset();
            this.shape = w.shape();
            this.strides = w.stride();
            this.hash = System.identityHashCode(w.data()) * 31 + Long.hashCode(offset) * 17 + Arrays.hashCode(shape);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            DataBuffer buffer = get();
            return buffer != null && buffer == k.get() && offset == k.offset && Arrays.equals(shape, k.shape)
                    && Arrays.equals(strides, k.strides);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
