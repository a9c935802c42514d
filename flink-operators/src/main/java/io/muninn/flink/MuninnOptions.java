package io.muninn.flink;

import io.muninn.model.scheduler.AdmissionPolicy;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The operator's settings as typed Flink options, so that a job can take them from its configuration
 * ({@code -Dmuninn.kv.budget=2gb}) as well as from the {@link RecurrentDepthGeneration} builder.
 */
public final class MuninnOptions {
    private MuninnOptions() {}

    public static final ConfigOption<String> MODEL = ConfigOptions.key("muninn.model")
            .stringType()
            .noDefaultValue()
            .withDescription("Directory of a Huginn-format model (config.json, model.safetensors, tokenizer.json), "
                    + "readable on every task manager.");

    public static final ConfigOption<String> KV_STRATEGY = ConfigOptions.key("muninn.kv.strategy")
            .stringType()
            .defaultValue("latest-m4")
            .withDescription("KV cache lookup strategy as the reference names it: full, skip, latest-m4, "
                    + "available-m4, always-last-m4, compress-sN, compress-rN, compress-anchor, or a combination "
                    + "such as latest-m4-compress-s16.");

    public static final ConfigOption<MemorySize> KV_BUDGET = ConfigOptions.key("muninn.kv.budget")
            .memoryType()
            .defaultValue(MemorySize.parse("256mb"))
            .withDescription("KV cache bytes per operator instance. A request is admitted only when its worst-case "
                    + "KV fits (or, under preempt-recompute, when its next step fits).");

    public static final ConfigOption<Integer> KV_BLOCK_TOKENS = ConfigOptions.key("muninn.kv.block-tokens")
            .intType()
            .defaultValue(16)
            .withDescription("Positions per KV cache block.");

    public static final ConfigOption<Integer> MAX_STEPS = ConfigOptions.key("muninn.max-steps")
            .intType()
            .defaultValue(0)
            .withDescription("Recurrence steps per token at most (requests may ask for fewer); 0 takes the "
                    + "model's mean_recurrence.");

    public static final ConfigOption<Integer> MAX_ACTIVE_SEQUENCES = ConfigOptions.key("muninn.max-active-sequences")
            .intType()
            .defaultValue(64)
            .withDescription("Sequences that hold KV cache and step together, per operator instance.");

    public static final ConfigOption<Integer> MAX_WAITING_SEQUENCES = ConfigOptions.key("muninn.max-waiting-sequences")
            .intType()
            .defaultValue(256)
            .withDescription("Accepted requests waiting for admission, per operator instance; beyond it the "
                    + "operator stops reading input until sequences finish, so backpressure reaches Kafka.");

    public static final ConfigOption<Integer> MAX_ROWS_PER_STEP = ConfigOptions.key("muninn.max-rows-per-step")
            .intType()
            .defaultValue(256)
            .withDescription("Rows (decode tokens plus prefill chunk rows) in one micro-batch at most.");

    public static final ConfigOption<Integer> PREFILL_CHUNK = ConfigOptions.key("muninn.prefill-chunk")
            .intType()
            .defaultValue(64)
            .withDescription("Prompt rows per prefill chunk, so a long prompt never stalls decoding.");

    public static final ConfigOption<Integer> MAX_NEW_TOKENS = ConfigOptions.key("muninn.max-new-tokens")
            .intType()
            .defaultValue(1024)
            .withDescription("The largest max_new_tokens a request may ask for (at most the model's block size).");

    public static final ConfigOption<AdmissionPolicy> ADMISSION = ConfigOptions.key("muninn.admission")
            .enumType(AdmissionPolicy.class)
            .defaultValue(AdmissionPolicy.RESERVE_WORST_CASE)
            .withDescription("RESERVE_WORST_CASE admits a request only when its worst-case KV fits and never "
                    + "evicts; PREEMPT_RECOMPUTE admits eagerly and, under memory pressure, preempts the newest "
                    + "sequences and rebuilds them by replay later, as vLLM does.");
}
