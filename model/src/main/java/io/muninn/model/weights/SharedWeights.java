package io.muninn.model.weights;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
    private final Object lock = new Object();
    /** Copies being loaded or held; guarded by {@link #lock}. */
    private final Map<Key, Entry> entries = new HashMap<>();
    /** Per key ever loaded: loads and the latest copy's peak users and size; guarded by {@link #lock}. */
    private final Map<Key, Usage> history = new HashMap<>();

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
        private final Entry entry;
        private final ModelWeights weights;
        private final boolean loaded;
        private boolean closed; // guarded by lock

        private Lease(Entry entry, ModelWeights weights, boolean loaded) {
            this.entry = entry;
            this.weights = weights;
            this.loaded = loaded;
        }

        /** The shared weights: read them, never write them. */
        public ModelWeights weights() {
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("the lease on " + entry.key.directory() + " was released");
                }
            }
            return weights;
        }

        public Key key() {
            return entry.key;
        }

        /** The native bytes of the copy ({@link ModelWeights#bytes()}), held once however many share it. */
        public long bytes() {
            return entry.bytes;
        }

        /** Whether this lease's {@code acquire} loaded the copy (false: it found one loaded or loading). */
        public boolean loadedIt() {
            return loaded;
        }

        /** The leases held now on this copy, this one included until it is released. */
        public int users() {
            synchronized (lock) {
                return entry.users;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(entry);
        }
    }

    /** One copy: loading, loaded, or (after its last release or a failed load) gone from {@link #entries}. */
    private static final class Entry {
        final Key key;
        final CompletableFuture<ModelWeights> weights = new CompletableFuture<>();
        int users; // guarded by lock
        int peakUsers; // guarded by lock
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
        Entry entry;
        boolean load;
        synchronized (lock) {
            entry = entries.get(key);
            load = entry == null;
            if (load) {
                entry = new Entry(key);
                entries.put(key, entry);
            }
            entry.users++;
            entry.peakUsers = Math.max(entry.peakUsers, entry.users);
            record(entry, 0);
        }
        ModelWeights weights;
        if (load) {
            weights = load(entry);
        } else {
            weights = await(entry);
        }
        Lease lease = new Lease(entry, weights, load);
        if (!load) {
            LOG.info("Sharing the weights of {} on device {} ({} bytes): {} users in this JVM", key.directory(),
                    key.device(), entry.bytes, lease.users());
        }
        return lease;
    }

    /** How {@code modelDir} (for the calling thread's device) has been used: loads, users now, the latest copy's peak. */
    public Usage usage(Path modelDir) {
        Key key = Key.of(modelDir);
        synchronized (lock) {
            Usage u = history.get(key);
            return u != null ? u : new Usage(key, 0, 0, 0, 0);
        }
    }

    private ModelWeights load(Entry entry) {
        long start = System.nanoTime();
        ModelWeights weights;
        // never inside the caller's workspace: an arena reset would free or overwrite the weights
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            weights = Objects.requireNonNull(loader.apply(entry.key.directory()), "the loader returned no weights");
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                entries.remove(entry.key, entry);
                Usage u = history.get(entry.key);
                history.put(entry.key, new Usage(entry.key, 0, u.peakUsers(), u.loads(), u.bytes()));
            }
            entry.weights.completeExceptionally(e);
            throw e;
        }
        entry.bytes = weights.bytes();
        int users;
        synchronized (lock) {
            record(entry, 1);
            users = entry.users;
        }
        entry.weights.complete(weights);
        LOG.info("Loaded the weights of {} on device {}: {} bytes ({} parameters) in {} ms, shared by every engine of "
                        + "this JVM that serves it; {} users now", entry.key.directory(), entry.key.device(),
                entry.bytes, weights.parameterCount(), (System.nanoTime() - start) / 1_000_000, users);
        return weights;
    }

    private ModelWeights await(Entry entry) {
        try {
            return entry.weights.get();
        } catch (InterruptedException e) {
            release(entry);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the weights of " + entry.key.directory()
                    + " to load", e);
        } catch (ExecutionException e) {
            // the entry is gone (load removes it), so this caller's count went with it
            throw new IllegalStateException("loading the weights of " + entry.key.directory() + " failed on another "
                    + "thread: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void release(Entry entry) {
        ModelWeights free = null;
        int left;
        synchronized (lock) {
            left = --entry.users;
            if (entries.get(entry.key) != entry) {
                return; // a failed load: nothing was kept
            }
            if (left == 0) {
                entries.remove(entry.key);
                free = entry.weights.getNow(null);
            }
            record(entry, 0);
        }
        if (free == null) {
            LOG.info("Released a lease on the weights of {} on device {}: {} users left", entry.key.directory(),
                    entry.key.device(), left);
            return;
        }
        for (INDArray array : free.arrays()) {
            array.close(); // does nothing for an array ND4J cannot free early; the collector frees it then
        }
        LOG.info("Freed the weights of {} on device {} ({} bytes): no users left", entry.key.directory(),
                entry.key.device(), entry.bytes);
    }

    /** Updates {@link #history} from {@code entry}, counting {@code loads} more loads; hold {@link #lock}. */
    private void record(Entry entry, int loads) {
        Usage before = history.get(entry.key);
        long total = (before == null ? 0 : before.loads()) + loads;
        history.put(entry.key, new Usage(entry.key, entry.users, entry.peakUsers, total, entry.bytes));
    }
}
