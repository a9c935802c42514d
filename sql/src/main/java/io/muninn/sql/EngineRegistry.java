package io.muninn.sql;

import io.muninn.flink.GenerationSettings;
import io.muninn.model.share.SharedByKey;
import java.util.OptionalInt;

/**
 * The task manager's engines, one per model and engine settings, reference-counted: the first predict function
 * that opens starts it (loading the weights through the JVM's {@code SharedWeights}), later ones share it, and the
 * last one to close stops it. Per class loader, so per job and task manager, as the operator's weights are.
 */
final class EngineRegistry {
    private EngineRegistry() {}

    private static final SharedByKey<Key, SharedEngine> ENGINES = new SharedByKey<>();

    /** An engine's identity: its settings and the GPU its thread binds to (-1: none, the CPU backend's device). */
    private record Key(GenerationSettings settings, int gpu) {}

    /**
     * A use of the engine for {@code settings} on {@code gpu} (the task's assigned GPU from Flink's external
     * resources; empty on the CPU); close it when done.
     */
    static Lease acquire(GenerationSettings settings, OptionalInt gpu) {
        Lease lease = new Lease(ENGINES.acquire(new Key(settings, gpu.orElse(-1)), k -> new SharedEngine(settings, gpu)));
        try {
            lease.engine.awaitReady();
        } catch (RuntimeException | Error t) {
            lease.close();
            throw t;
        }
        return lease;
    }

    /**
     * How many engines were started for {@code settings} (on any device) in this JVM, and the most users the latest
     * one had at once.
     */
    static int[] usage(GenerationSettings settings) {
        int starts = 0;
        int peak = 0;
        for (var e : ENGINES.usage().entrySet()) {
            if (e.getKey().settings().equals(settings)) {
                starts += (int) e.getValue().created();
                peak = Math.max(peak, e.getValue().peakUsers());
            }
        }
        return new int[] {starts, peak};
    }

    /** One predict function's use of an engine. */
    static final class Lease implements AutoCloseable {
        private final SharedByKey<Key, SharedEngine>.Hold hold;
        final SharedEngine engine;

        private Lease(SharedByKey<Key, SharedEngine>.Hold hold) {
            this.hold = hold;
            this.engine = hold.value();
        }

        /** Gives the engine back (once; later calls do nothing); the last user stops it. */
        @Override
        public void close() {
            SharedEngine last = ENGINES.release(hold);
            if (last != null) {
                last.stop();
            }
        }
    }
}
