package io.muninn.flink;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.exit.Relaxation;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.LatencyTarget;
import io.muninn.model.scheduler.SchedulerOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The operator's settings as typed Flink options: the one definition of each setting's key, type and default. A job
 * takes them from its Flink configuration ({@code -Dmuninn.kv.budget=2gb}, the cluster's config file) through
 * {@link RecurrentDepthGeneration.Builder#configure}; the command line's options override single values on top.
 * Engine-side defaults are those of {@code model/} ({@link EngineOptions}, {@link SchedulerOptions},
 * {@link KvStrategy}, {@link ExitPolicy}), referred to here, never copied. flink-operators/README.md lists them.
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
            .defaultValue(KvStrategy.DEFAULT)
            .withDescription("KV cache lookup strategy as the reference names it: full, skip, latest-m4, "
                    + "available-m4, always-last-m4, compress-sN, compress-rN, compress-anchor, or a combination "
                    + "such as latest-m4-compress-s16. -mN names the core block length: -m4 as the reference "
                    + "spells it, or the model's own core layer count (latest-m1 on a one-layer core).");

    public static final ConfigOption<MemorySize> KV_BUDGET = ConfigOptions.key("muninn.kv.budget")
            .memoryType()
            .defaultValue(new MemorySize(EngineOptions.DEFAULT_KV_BUDGET))
            .withDescription("KV cache bytes per operator instance. A request is admitted only when its worst-case "
                    + "KV fits (or, under preempt-recompute, when its next step fits).");

    public static final ConfigOption<Integer> KV_BLOCK_TOKENS = ConfigOptions.key("muninn.kv.block-tokens")
            .intType()
            .defaultValue(EngineOptions.DEFAULT_BLOCK_TOKENS)
            .withDescription("Positions per KV cache block.");

    public static final ConfigOption<Integer> MAX_STEPS = ConfigOptions.key("muninn.max-steps")
            .intType()
            .defaultValue(0)
            .withDescription("Recurrence steps per token at most (requests may ask for fewer); 0 takes the "
                    + "model's mean_recurrence.");

    public static final ConfigOption<Integer> MAX_ACTIVE_SEQUENCES = ConfigOptions.key("muninn.max-active-sequences")
            .intType()
            .defaultValue(SchedulerOptions.DEFAULT_MAX_ACTIVE_SEQUENCES)
            .withDescription("Sequences that hold KV cache and step together, per operator instance.");

    public static final ConfigOption<Integer> MAX_WAITING_SEQUENCES = ConfigOptions.key("muninn.max-waiting-sequences")
            .intType()
            .defaultValue(256)
            .withDescription("Accepted requests waiting for admission, per operator instance; beyond it the "
                    + "operator stops reading input until sequences finish, so backpressure reaches Kafka.");

    public static final ConfigOption<Integer> MAX_ROWS_PER_STEP = ConfigOptions.key("muninn.max-rows-per-step")
            .intType()
            .defaultValue(SchedulerOptions.DEFAULT_MAX_ROWS_PER_STEP)
            .withDescription("Rows (decode tokens plus prefill chunk rows) in one micro-batch at most.");

    public static final ConfigOption<Integer> PREFILL_CHUNK = ConfigOptions.key("muninn.prefill-chunk")
            .intType()
            .defaultValue(SchedulerOptions.DEFAULT_PREFILL_CHUNK)
            .withDescription("Prompt rows per prefill chunk, so a long prompt never stalls decoding; at most "
                    + "muninn.max-rows-per-step (when not set, the default is capped at it). A prompt that may exit in "
                    + "prefill is one chunk whatever this says.");

    public static final ConfigOption<Integer> MAX_NEW_TOKENS = ConfigOptions.key("muninn.max-new-tokens")
            .intType()
            .defaultValue(1024)
            .withDescription("The largest max_new_tokens a request may ask for (at most the model's block size).");

    public static final ConfigOption<AdmissionPolicy> ADMISSION = ConfigOptions.key("muninn.admission")
            .enumType(AdmissionPolicy.class)
            .defaultValue(SchedulerOptions.DEFAULT_ADMISSION)
            .withDescription("RESERVE_WORST_CASE admits a request only when its worst-case KV fits and never "
                    + "evicts; PREEMPT_RECOMPUTE admits eagerly and, under memory pressure, preempts the newest "
                    + "sequences and rebuilds them by replay later, as vLLM does.");

    public static final ConfigOption<Boolean> EXIT_IN_PREFILL = ConfigOptions.key("muninn.exit-in-prefill")
            .booleanType()
            .defaultValue(ExitPolicy.DEFAULT_EXIT_IN_PREFILL)
            .withDescription("Whether the exit criterion may end the prefill (decided on the prompt's last position, "
                    + "as the reference model's current code does) for requests that do not say: a request's "
                    + "generation.prefill_exit wins when set, and generation.exit_in_prefill=true asks for it. false "
                    + "is the paper-era behaviour: every prompt position runs max_steps.");

    public static final ConfigOption<Duration> LATENCY_TPOT_TARGET = ConfigOptions.key("muninn.latency.tpot-target")
            .durationType()
            .noDefaultValue()
            .withDescription("Time per output token to hold under load (e.g. 50 ms). When the mean gap between two "
                    + "tokens of a request over muninn.latency.window exceeds it, exits are relaxed in bounded stages "
                    + "(a larger threshold, then a lower step cap, never below min_steps) and restored as the load "
                    + "falls; requests with generation.strict_depth are never relaxed. Not set: exits as asked.");

    public static final ConfigOption<Duration> LATENCY_WINDOW = ConfigOptions.key("muninn.latency.window")
            .durationType()
            .defaultValue(Duration.ofNanos(LatencyTarget.DEFAULT_WINDOW_NANOS))
            .withDescription("How far back the measured time per output token looks.");

    public static final ConfigOption<Duration> LATENCY_DWELL = ConfigOptions.key("muninn.latency.dwell")
            .durationType()
            .defaultValue(Duration.ofNanos(LatencyTarget.DEFAULT_DWELL_NANOS))
            .withDescription("The least time between two changes of the relaxation stage (0 for one per micro-batch).");

    public static final ConfigOption<Integer> LATENCY_MAX_STAGE = ConfigOptions.key("muninn.latency.max-stage")
            .intType()
            .defaultValue(Relaxation.MAX_STAGE)
            .withDescription("The highest relaxation stage the latency target may reach: 1-2 only loosen the "
                    + "threshold, 3-4 also lower the step cap.");
}
