package io.muninn.jobs;

import io.muninn.flink.MuninnOptions;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.model.scheduler.AdmissionPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import picocli.CommandLine.Option;

/**
 * The operator's options on the command line, shared by {@code generate} and {@code annotate}, and the Flink
 * configuration they override.
 *
 * <p>Precedence, lowest first: each option's default ({@link MuninnOptions}, its only definition), the Flink
 * configuration (the config file of {@code $FLINK_CONF_DIR} or of the cluster under {@code flink run}, then
 * {@code -Dkey=value}), then the command-line options below. None of these options has a picocli default: an option
 * left off the command line is null and leaves the Flink configuration's value alone.
 */
public final class EngineOptionsMixin {
    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink configuration option for the job, e.g. "
            + "-Dmuninn.kv.budget=1gb (every muninn.* option of flink-operators/README.md; on top of "
            + "$FLINK_CONF_DIR's config file; the options below override it).")
    public Map<String, String> flinkOptions = new LinkedHashMap<>();

    @Option(names = "--model", description = "Model directory (config.json, model.safetensors, tokenizer.json); on a "
            + "cluster, a path every task manager can read. Overrides muninn.model, which is required when this is not given.")
    public Path model;

    @Option(names = "--kv-strategy", description = "KV lookup strategy, e.g. latest-m4, full, latest-m4-compress-s16; "
            + "-mN is -m4 or the model's core layer count. Overrides muninn.kv.strategy.")
    String kvStrategy;

    @Option(names = "--kv-budget", description = "KV cache bytes per operator instance, e.g. 512mb. Overrides muninn.kv.budget.")
    String kvBudget;

    @Option(names = "--kv-block-tokens", description = "Positions per KV block. Overrides muninn.kv.block-tokens.")
    Integer kvBlockTokens;

    @Option(names = "--max-steps", description = "Recurrence steps per token at most; 0 = the model's "
            + "mean_recurrence. Overrides muninn.max-steps.")
    Integer maxSteps;

    @Option(names = "--max-active-sequences", description = "Sequences stepping together per instance. "
            + "Overrides muninn.max-active-sequences.")
    Integer maxActive;

    @Option(names = "--max-waiting-sequences", description = "Accepted requests waiting for admission per instance "
            + "before the operator stops reading input. Overrides muninn.max-waiting-sequences.")
    Integer maxWaiting;

    @Option(names = "--max-rows-per-step", description = "Rows per micro-batch. Overrides muninn.max-rows-per-step.")
    Integer maxRows;

    @Option(names = "--prefill-chunk", description = "Prompt rows per prefill chunk, at most the rows per step (when "
            + "set nowhere, the default capped at them). Overrides muninn.prefill-chunk.")
    Integer prefillChunk;

    @Option(names = "--max-new-tokens", description = "Largest max_new_tokens a request may ask for. Overrides muninn.max-new-tokens.")
    Integer maxNewTokens;

    @Option(names = "--admission", description = "RESERVE_WORST_CASE or PREEMPT_RECOMPUTE. Overrides muninn.admission.")
    AdmissionPolicy admission;

    @Option(names = "--exit-in-prefill", negatable = true, description = "Let the exit criterion end the prefill "
            + "(decided on the prompt's last position) for requests that do not say (generation.prefill_exit); "
            + "--no-exit-in-prefill runs every prompt position to max_steps. Overrides muninn.exit-in-prefill (default: exit in prefill).")
    Boolean exitInPrefill;

    /**
     * The Flink configuration these options start from: {@code $FLINK_CONF_DIR}'s config file when that variable is
     * set, then the {@code -D} options. Pass it to the job's environment ({@link Environments#of}); under
     * {@code flink run} the cluster's configuration is merged in there as well.
     */
    public Configuration flinkConfiguration() {
        String dir = System.getenv("FLINK_CONF_DIR");
        Configuration conf = dir == null || dir.isBlank()
                ? new Configuration()
                : GlobalConfiguration.loadConfiguration(dir);
        conf.addAll(Configuration.fromMap(flinkOptions));
        return conf;
    }

    /**
     * The operator these options describe: every {@code muninn.*} option of {@code flinkConfig} (a job's
     * {@code env.getConfiguration()}), then each option given on the command line. {@code build()} names any bad
     * value and its option.
     */
    public RecurrentDepthGeneration generation(ReadableConfig flinkConfig) {
        RecurrentDepthGeneration.Builder b = RecurrentDepthGeneration.builder();
        try {
            b.configure(flinkConfig);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Flink configuration: " + e.getMessage(), e);
        }
        if (model == null && flinkConfig.getOptional(MuninnOptions.MODEL).isEmpty()) {
            throw new IllegalArgumentException("a model is required: give --model DIR (or -D" + MuninnOptions.MODEL.key()
                    + "=DIR, or set " + MuninnOptions.MODEL.key() + " in the Flink configuration)");
        }
        return b.configure(overrides()).build();
    }

    /** The options given on this command line, as the {@code muninn.*} options they override. */
    private Configuration overrides() {
        Configuration c = new Configuration();
        set(c, MuninnOptions.MODEL, model == null ? null : model.toAbsolutePath().normalize().toString());
        set(c, MuninnOptions.KV_STRATEGY, kvStrategy);
        set(c, MuninnOptions.KV_BUDGET, kvBudget == null ? null : kvBudget());
        set(c, MuninnOptions.KV_BLOCK_TOKENS, kvBlockTokens);
        set(c, MuninnOptions.MAX_STEPS, maxSteps);
        set(c, MuninnOptions.MAX_ACTIVE_SEQUENCES, maxActive);
        set(c, MuninnOptions.MAX_WAITING_SEQUENCES, maxWaiting);
        set(c, MuninnOptions.MAX_ROWS_PER_STEP, maxRows);
        set(c, MuninnOptions.PREFILL_CHUNK, prefillChunk);
        set(c, MuninnOptions.MAX_NEW_TOKENS, maxNewTokens);
        set(c, MuninnOptions.ADMISSION, admission);
        set(c, MuninnOptions.EXIT_IN_PREFILL, exitInPrefill);
        return c;
    }

    private MemorySize kvBudget() {
        try {
            return MemorySize.parse(kvBudget);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kv-budget: " + e.getMessage(), e);
        }
    }

    private static <T> void set(Configuration c, ConfigOption<T> option, T value) {
        if (value != null) {
            c.set(option, value);
        }
    }
}
