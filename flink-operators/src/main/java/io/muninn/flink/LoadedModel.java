package io.muninn.flink;

import io.muninn.model.backend.Backends;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.SharedWeights;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An operator instance's model: its own engine (KV block pool, step arena of its task thread) over the task
 * manager's one copy of the weights ({@link SharedWeights#jvmWide()}, held by {@link #weights} until {@link #close}),
 * and the tokenizer when the model ships one (without it, requests must send token ids and tokens are delivered with
 * empty text). Public for the SQL model provider ({@code sql/}), which runs the same engine off the task thread.
 */
public final class LoadedModel implements AutoCloseable {
    public final ModelConfig config;
    public final RecurrentDepthEngine engine;
    public final MuninnTokenizer tokenizer;
    public final int maxSteps;
    public final Path directory;
    public final SharedWeights.Lease weights;

    /** Builds the engine and reads the tokenizer over the leased weights; the caller closes the lease if this throws. */
    private LoadedModel(Path directory, SharedWeights.Lease lease, GenerationSettings settings) {
        ModelWeights shared = lease.weights();
        this.directory = directory;
        this.weights = lease;
        this.config = shared.config();
        this.maxSteps = settings.maxSteps() > 0 ? settings.maxSteps() : config.meanRecurrence();
        this.engine = new RecurrentDepthEngine(shared, Backends.standard(), new EngineOptions(settings.kvStrategy(),
                maxSteps, settings.kvBudgetBytes(), settings.kvBlockTokens()));
        this.tokenizer = Files.exists(directory.resolve("tokenizer.json")) ? MuninnTokenizer.load(directory) : null;
    }

    /** Call it on the task thread after binding it to its device: the weights are shared per device. */
    public static LoadedModel load(GenerationSettings settings) {
        Path dir = Path.of(settings.modelPath());
        SharedWeights.Lease lease = SharedWeights.jvmWide().acquire(dir);
        try {
            return new LoadedModel(dir, lease, settings);
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    /**
     * Closes the tokenizer, frees the step arenas and releases the weights (the last instance on this task manager
     * frees them); call it on the task thread that ran the engine, once it no longer steps.
     */
    @Override
    public void close() {
        try {
            if (tokenizer != null) {
                tokenizer.close();
            }
            RecurrentDepthEngine.releaseThreadMemory();
        } finally {
            weights.close();
        }
    }
}
