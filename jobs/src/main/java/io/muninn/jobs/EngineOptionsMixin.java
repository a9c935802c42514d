package io.muninn.jobs;

import io.muninn.flink.MuninnOptions;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.model.scheduler.AdmissionPolicy;
import java.nio.file.Path;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Option;

/** The operator's options on the command line, shared by {@code generate} and {@code annotate}. */
public final class EngineOptionsMixin {
    @Option(names = "--model", required = true, description = "Model directory (config.json, model.safetensors, "
            + "tokenizer.json); on a cluster, a path every task manager can read.")
    public Path model;

    @Option(names = "--kv-strategy", defaultValue = "latest-m4", description = "KV lookup strategy (default: ${DEFAULT-VALUE}).")
    String kvStrategy;

    @Option(names = "--kv-budget", defaultValue = "256mb", description = "KV cache per operator instance (default: ${DEFAULT-VALUE}).")
    String kvBudget;

    @Option(names = "--max-steps", defaultValue = "0", description = "Recurrence steps per token at most; 0 = the model's mean_recurrence.")
    int maxSteps;

    @Option(names = "--max-active-sequences", defaultValue = "64", description = "Sequences stepping together per instance (default: ${DEFAULT-VALUE}).")
    int maxActive;

    @Option(names = "--max-rows-per-step", defaultValue = "256", description = "Rows per micro-batch (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Option(names = "--max-new-tokens", defaultValue = "1024", description = "Largest max_new_tokens a request may ask for (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--admission", defaultValue = "RESERVE_WORST_CASE", description = "RESERVE_WORST_CASE or PREEMPT_RECOMPUTE (default: ${DEFAULT-VALUE}).")
    AdmissionPolicy admission;

    /** The operator these options describe; {@code build()} names any bad value and its option. */
    public RecurrentDepthGeneration generation() {
        MemorySize budget;
        try {
            budget = MemorySize.parse(kvBudget);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kv-budget: " + e.getMessage(), e);
        }
        return RecurrentDepthGeneration.builder()
                .setModel(model.toAbsolutePath().normalize())
                .setKvStrategy(kvStrategy)
                .setKvBudget(budget)
                .setMaxSteps(maxSteps)
                .setMaxActiveSequences(maxActive)
                .setMaxRowsPerStep(maxRows)
                .setPrefillChunk(Math.min(MuninnOptions.PREFILL_CHUNK.defaultValue(), maxRows))
                .setMaxNewTokens(maxNewTokens)
                .setAdmission(admission)
                .build();
    }
}
