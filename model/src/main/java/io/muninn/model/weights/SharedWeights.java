package io.muninn.model.weights;

import java.io.IOException;
import java.nio.file.Path;
import io.muninn.model.share.SharedByKey;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded model weights shared by every engine of a JVM that serves the same model: the first {@link #acquire} of a
 * model directory loads it, later ones get the same {@link ModelWeights}, and the {@link Lease#close() release} of
 * the last user frees its native memory. Thread-safe.
 *
 * <p>Key: the directory's canonical path ({@link Path#toRealPath()}, so links and {@code ..} spellings share) and
 * the ND4J device of the acquiring thread (0 on the CPU backend; a GPU build keeps one copy per device). The loader
 * has no other setting that changes the arrays (always FP32, row-major); one that did would belong in {@link Key}.
 * A directory whose files change while a copy is held keeps serving that copy until its last user releases it.
 *
 * <p>Sharing is safe because nothing writes to weights after loading: the engine's stages only read them (linear
 * layers, norms, biases and the embedding's gathered rows are inputs of new arrays; the adapter's halves are views
 * read by BLAS). What a step writes is per engine: its KV block pool, its sequences, and its temporaries, which live
 * in the stepping thread's own workspace arena ({@code backend.nd4j.StepWorkspace}). Loading runs outside any workspace
 * scope ({@code scopeOutOfWorkspaces}), so the weights are never attached to an arena that a step would reset, even
 * when {@code acquire} is called from inside one.
 *
 * <p>A load runs on the first caller's thread, outside the registry's lock (other models load concurrently);
 * concurrent callers for the same key wait for it. A failed load is removed at once: the waiting callers get the
 * failure, and the next {@code acquire} tries again.
 *
 * <p>Freeing: at the last release every array is closed ({@link INDArray#close()}), which frees its native buffer
 * now instead of whenever the collector finds the small Java handles. The caller must not use the weights, or an
 * engine built over them, after its lease is released.
 */
public final class SharedWeights {
    private static final Logger LOG = LoggerFactory.getLogger(SharedWeights.class);
    private static final SharedWeights JVM_WIDE = new SharedWeights(WeightsLoader::load);

    /**
     * What a copy of weights is loaded for.
     *
     * @param directory the model directory, canonical
     * @param device    the ND4J device the arrays live on
     */
    public record Key(Path directory, int device) {
        /** The key of {@code modelDir} for the calling thread's device. */
        public static Key of(Path modelDir) {
            Path canonical;
            try {
                canonical = modelDir.toRealPath();
            } catch (IOException e) {
                canonical = modelDir.toAbsolutePath().normalize(); // missing: the loader names what is missing
            }
            return new Key(canonical, Nd4j.getAffinityManager().getDeviceForCurrentThread());
        }
    }

    /**
     * A key's use so far.
     *
     * @param users     leases held now on the current copy (0: none loaded)
     * @param peakUsers the most leases the latest copy had at once
     * @param loads     how many times the key was loaded in this JVM (successful loads)
     * @param bytes     the latest copy's size ({@link ModelWeights#bytes()}), 0 before the first load
     */
    public record Usage(Key key, int users, int peakUsers, long loads, long bytes) {}

    private final Function<Path, ModelWeights> loader;
    /** Copies being loaded or held, counted by their leases. */
    private final SharedByKey<Key, Entry> copies = new SharedByKey<>();
    /** Per key ever loaded: successful loads, and the latest copy's size. */
    private final Map<Key, Long> loads = new ConcurrentHashMap<>();
    private final Map<Key, Long> sizes = new ConcurrentHashMap<>();

    /** A registry of its own over {@code loader} (tests); engines in production share {@link #jvmWide()}. */
    public SharedWeights(Function<Path, ModelWeights> loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /**
     * The registry of this JVM, loading with {@link WeightsLoader#load(Path)}. In Flink it is one per task manager
     * and job: Muninn's classes come with the job's class loader, which every slot of that job on the task manager
     * shares.
     */
    public static SharedWeights jvmWide() {
        return JVM_WIDE;
    }

    /** One user's hold on a copy of the weights; {@link #close()} releases it (once; later calls do nothing). */
    public final class Lease implements AutoCloseable {
        private final SharedByKey<Key, Entry>.Hold hold;
        private final ModelWeights weights;

        private Lease(SharedByKey<Key, Entry>.Hold hold, ModelWeights weights) {
            this.hold = hold;
            this.weights = weights;
        }

        /** The shared weights: read them, never write them. */
        public ModelWeights weights() {
            if (hold.released()) {
                throw new IllegalStateException("the lease on " + hold.value().key.directory() + " was released");
            }
            return weights;
        }

        public Key key() {
            return hold.value().key;
        }

        /** The native bytes of the copy ({@link ModelWeights#bytes()}), held once however many share it. */
        public long bytes() {
            return hold.value().bytes;
        }

        /** Whether this lease's {@code acquire} loaded the copy (false: it found one loaded or loading). */
        public boolean loadedIt() {
            return hold.created();
        }

        /** The leases held now on this copy, this one included until it is released. */
        public int users() {
            return hold.users();
        }

        @Override
        public void close() {
            release(hold);
        }
    }

    /** One copy: loading, loaded, or (after its last release or a failed load) gone from {@link #copies}. */
    private static final class Entry {
        final Key key;
        final CompletableFuture<ModelWeights> weights = new CompletableFuture<>();
        volatile long bytes;

        Entry(Key key) {
            this.key = key;
        }
    }

    /**
     * A lease on the weights of {@code modelDir} for the calling thread's device, loading them if no user holds
     * them.
     *
     * @throws RuntimeException whatever the load threw ({@link WeightsLoader#load(Path)}): as thrown on the thread
     *                          that loaded, wrapped in an {@link IllegalStateException} on threads that waited for it
     */
    public Lease acquire(Path modelDir) {
        Key key = Key.of(modelDir);
        SharedByKey<Key, Entry>.Hold hold = copies.acquire(key, Entry::new);
        ModelWeights weights = hold.created() ? load(hold) : await(hold);
        Lease lease = new Lease(hold, weights);
        if (!hold.created()) {
            LOG.info("Sharing the weights of {} on device {} ({} bytes): {} users in this JVM", key.directory(),
                    key.device(), hold.value().bytes, lease.users());
        }
        return lease;
    }

    /** How {@code modelDir} (for the calling thread's device) has been used: loads, users now, the latest copy's peak. */
    public Usage usage(Path modelDir) {
        Key key = Key.of(modelDir);
        SharedByKey.Usage u = copies.usage(key);
        return new Usage(key, u.users(), u.peakUsers(), loads.getOrDefault(key, 0L), sizes.getOrDefault(key, 0L));
    }

    private ModelWeights load(SharedByKey<Key, Entry>.Hold hold) {
        Entry entry = hold.value();
        long start = System.nanoTime();
        ModelWeights weights;
        // never inside the caller's workspace: an arena reset would free or overwrite the weights
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            weights = Objects.requireNonNull(loader.apply(entry.key.directory()), "the loader returned no weights");
        } catch (RuntimeException | Error e) {
            copies.drop(hold);
            entry.weights.completeExceptionally(e);
            throw e;
        }
        entry.bytes = weights.bytes();
        sizes.put(entry.key, entry.bytes);
        loads.merge(entry.key, 1L, Long::sum);
        int users = hold.users();
        entry.weights.complete(weights);
        LOG.info("Loaded the weights of {} on device {}: {} bytes ({} parameters) in {} ms, shared by every engine of "
                        + "this JVM that serves it; {} users now", entry.key.directory(), entry.key.device(),
                entry.bytes, weights.parameterCount(), (System.nanoTime() - start) / 1_000_000, users);
        return weights;
    }

    private ModelWeights await(SharedByKey<Key, Entry>.Hold hold) {
        Entry entry = hold.value();
        try {
            return entry.weights.get();
        } catch (InterruptedException e) {
            release(hold);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the weights of " + entry.key.directory()
                    + " to load", e);
        } catch (ExecutionException e) {
            // the copy is gone (load dropped it), so this caller's count went with it
            throw new IllegalStateException("loading the weights of " + entry.key.directory() + " failed on another "
                    + "thread: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void release(SharedByKey<Key, Entry>.Hold hold) {
        if (hold.released()) {
            return;
        }
        Entry entry = copies.release(hold);
        if (entry == null) {
            LOG.info("Released a lease on the weights of {} on device {}: {} users left", hold.value().key.directory(),
                    hold.value().key.device(), copies.usage(hold.value().key).users());
            return;
        }
        ModelWeights free = entry.weights.getNow(null);
        if (free == null) {
            return; // not loaded: the loader's own hold is the last, and a failed load dropped the copy already
        }
        for (INDArray array : free.arrays()) {
            array.close(); // does nothing for an array ND4J cannot free early; the collector frees it then
        }
        LOG.info("Freed the weights of {} on device {} ({} bytes): no users left", entry.key.directory(),
                entry.key.device(), entry.bytes);
    }
}
