package io.muninn.sql;

import io.muninn.flink.GenerationSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The task manager's engines, one per model and engine settings, reference-counted: the first predict function
 * that opens starts it (loading the weights through the JVM's {@code SharedWeights}), later ones share it, and the
 * last one to close stops it. Per class loader, so per job and task manager, as the operator's weights are.
 */
final class EngineRegistry {
    private EngineRegistry() {}

    private static final Object LOCK = new Object();
    private static final Map<Key, Entry> ENGINES = new HashMap<>();
    private static final Map<Key, Integer> PEAK_USERS = new HashMap<>();
    private static final Map<Key, Integer> STARTS = new HashMap<>();

    /** An engine's identity: its settings and the GPU its thread binds to (-1: none, the CPU backend's device). */
    private record Key(GenerationSettings settings, int gpu) {}

    private static final class Entry {
        final SharedEngine engine;
        int users;

        Entry(SharedEngine engine) {
            this.engine = engine;
        }
    }

    /**
     * A use of the engine for {@code settings} on {@code gpu} (the task's assigned GPU from Flink's external
     * resources; empty on the CPU); close it when done.
     */
    static Lease acquire(GenerationSettings settings, OptionalInt gpu) {
        Key key = new Key(settings, gpu.orElse(-1));
        SharedEngine engine;
        synchronized (LOCK) {
            Entry e = ENGINES.get(key);
            if (e == null) {
                e = new Entry(new SharedEngine(settings, gpu));
                ENGINES.put(key, e);
                STARTS.merge(key, 1, Integer::sum);
            }
            e.users++;
            PEAK_USERS.merge(key, e.users, Math::max);
            engine = e.engine;
        }
        try {
            engine.awaitReady();
        } catch (RuntimeException | Error t) {
            release(key, engine);
            throw t;
        }
        return new Lease(key, engine);
    }

    private static void release(Key key, SharedEngine engine) {
        boolean last = false;
        synchronized (LOCK) {
            Entry e = ENGINES.get(key);
            if (e != null && e.engine == engine && --e.users == 0) {
                ENGINES.remove(key);
                last = true;
            }
        }
        if (last) {
            engine.stop();
        }
    }

    /**
     * How many engines were started for {@code settings} (on any device) in this JVM, and the most users one had at
     * once.
     */
    static int[] usage(GenerationSettings settings) {
        synchronized (LOCK) {
            int starts = 0;
            int peak = 0;
            for (var e : STARTS.entrySet()) {
                if (e.getKey().settings().equals(settings)) {
                    starts += e.getValue();
                    peak = Math.max(peak, PEAK_USERS.getOrDefault(e.getKey(), 0));
                }
            }
            return new int[] {starts, peak};
        }
    }

    /** One predict function's use of an engine. */
    static final class Lease implements AutoCloseable {
        private final Key key;
        final SharedEngine engine;
        private boolean closed;

        private Lease(Key key, SharedEngine engine) {
            this.key = key;
            this.engine = engine;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key, engine);
            }
        }
    }
}
