package io.muninn.flink;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An operator instance's model: the engine over memory-mapped weights, and the tokenizer when the model ships one
 * (without it, requests must send token ids and tokens are delivered with empty text).
 */
final class LoadedModel implements AutoCloseable {
    final ModelConfig config;
    final RecurrentDepthEngine engine;
    final MuninnTokenizer tokenizer;
    final int maxSteps;
    final Path directory;

    private LoadedModel(Path directory, ModelConfig config, RecurrentDepthEngine engine, MuninnTokenizer tokenizer, int maxSteps) {
        this.directory = directory;
        this.config = config;
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.maxSteps = maxSteps;
    }

    static LoadedModel load(GenerationSettings settings) {
        Path dir = Path.of(settings.modelPath());
        ModelWeights weights = WeightsLoader.load(dir);
        int maxSteps = settings.maxSteps() > 0 ? settings.maxSteps() : weights.config().meanRecurrence();
        var options = new EngineOptions(settings.kvStrategy(), maxSteps, settings.kvBudgetBytes(), settings.kvBlockTokens());
        var engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), options);
        MuninnTokenizer tokenizer = Files.exists(dir.resolve("tokenizer.json")) ? MuninnTokenizer.load(dir) : null;
        return new LoadedModel(dir, weights.config(), engine, tokenizer, maxSteps);
    }

    /** Closes the tokenizer and frees the step arenas; call it on the task thread that ran the engine. */
    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        RecurrentDepthEngine.releaseThreadMemory();
    }
}
