package io.muninn.sql;

import io.muninn.flink.GenerationSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The task manager's engines, one per model and engine settings, reference-counted: the first predict function
 * that opens starts it (loading the weights through the JVM's {@code SharedWeights}), later ones share it, and the
 * last one to close stops it. Per class loader, so per job and task manager, as the operator's weights are.
 */
final class EngineRegistry {
    private EngineRegistry() {}

    private static final Object LOCK = new Object();
    private static final Map<GenerationSettings, Entry> ENGINES = new HashMap<>();
    private static final Map<GenerationSettings, Integer> PEAK_USERS = new HashMap<>();
    private static final Map<GenerationSettings, Integer> STARTS = new HashMap<>();

    private static final class Entry {
        final SharedEngine engine;
        int users;

        Entry(SharedEngine engine) {
            this.engine = engine;
        }
    }

    /** A use of the engine for {@code settings}; close it when done. */
    static Lease acquire(GenerationSettings settings) {
        SharedEngine engine;
        synchronized (LOCK) {
            Entry e = ENGINES.get(settings);
            if (e == null) {
                e = new Entry(new SharedEngine(settings));
                ENGINES.put(settings, e);
                STARTS.merge(settings, 1, Integer::sum);
            }
            e.users++;
            PEAK_USERS.merge(settings, e.users, Math::max);
            engine = e.engine;
        }
        try {
            engine.awaitReady();
        } catch (RuntimeException | Error t) {
            release(settings, engine);
            throw t;
        }
        return new Lease(settings, engine);
    }

    private static void release(GenerationSettings settings, SharedEngine engine) {
        boolean last = false;
        synchronized (LOCK) {
            Entry e = ENGINES.get(settings);
            if (e != null && e.engine == engine && --e.users == 0) {
                ENGINES.remove(settings);
                last = true;
            }
        }
        if (last) {
            engine.stop();
        }
    }

    /** How many engines were started for {@code settings} in this JVM, and the most users one had at once. */
    static int[] usage(GenerationSettings settings) {
        synchronized (LOCK) {
            return new int[] {STARTS.getOrDefault(settings, 0), PEAK_USERS.getOrDefault(settings, 0)};
        }
    }

    /** One predict function's use of an engine. */
    static final class Lease implements AutoCloseable {
        private final GenerationSettings settings;
        final SharedEngine engine;
        private boolean closed;

        private Lease(GenerationSettings settings, SharedEngine engine) {
            this.settings = settings;
            this.engine = engine;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(settings, engine);
            }
        }
    }
}
