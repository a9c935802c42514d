package io.muninn.sql;

import io.muninn.flink.MuninnOptions;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.schemas.Generation;
import io.muninn.schemas.Sampling;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The options of {@code CREATE MODEL ... WITH ('provider' = 'muninn', ...)}. The engine-side defaults are the
 * DataStream operator's ({@link MuninnOptions}) and the per-request defaults are the wire schema's
 * ({@link Generation}, {@link Sampling}), referred to here, never copied: a row runs exactly as a request with the
 * same fields would. sql/README.md lists them.
 */
public final class MuninnModelOptions {
    private MuninnModelOptions() {}

    private static final Generation GENERATION_DEFAULTS = Generation.newBuilder().build();
    private static final Sampling SAMPLING_DEFAULTS = Sampling.newBuilder().build();

    /** The SQL option of each operator option a model sets, by the operator option's key. */
    private static final Map<String, ConfigOption<?>> BY_OPERATOR_KEY = new HashMap<>();

    public static final ConfigOption<String> MODEL_PATH =
            operator(ConfigOptions.key("model-path").stringType(), MuninnOptions.MODEL, null);

    public static final ConfigOption<Integer> MAX_NEW_TOKENS = ConfigOptions.key("max-new-tokens")
            .intType()
            .defaultValue(GENERATION_DEFAULTS.getMaxNewTokens())
            .withDescription("Tokens per answer at most, in [1, the model's block size].");

    public static final ConfigOption<String> EXIT_CRITERION = ConfigOptions.key("exit.criterion")
            .stringType()
            .defaultValue(GENERATION_DEFAULTS.getCriterion())
            .withDescription("The exit criterion that ends a token's recurrence early: one of "
                    + String.join(", ", ExitCriterion.NAMES) + ".");

    public static final ConfigOption<Double> EXIT_THRESHOLD = ConfigOptions.key("exit.threshold")
            .doubleType()
            .noDefaultValue()
            .withDescription("The criterion's threshold, finite and > 0; not set: the criterion's default.");

    public static final ConfigOption<Boolean> EXIT_IN_PREFILL =
            operator(ConfigOptions.key("exit.in-prefill").booleanType(), MuninnOptions.EXIT_IN_PREFILL, null);

    public static final ConfigOption<Integer> MAX_STEPS =
            operator(ConfigOptions.key("max-steps").intType(), MuninnOptions.MAX_STEPS, null);

    public static final ConfigOption<Long> TOTAL_STEPS_BUDGET = ConfigOptions.key("total-steps-budget")
            .longType()
            .noDefaultValue()
            .withDescription("Recurrence steps one row's answer may spend over all its tokens "
                    + "(generation.total_steps_budget); not set: no budget. At least max-new-tokens (every token runs "
                    + "at least one step).");

    public static final ConfigOption<String> KV_STRATEGY =
            operator(ConfigOptions.key("kv.strategy").stringType(), MuninnOptions.KV_STRATEGY, null);

    public static final ConfigOption<MemorySize> KV_BUDGET = operator(ConfigOptions.key("kv.budget").memoryType(),
            MuninnOptions.KV_BUDGET, "KV cache bytes of the task manager's one engine for this model and settings, "
                    + "shared by every parallel ML_PREDICT instance there.");

    public static final ConfigOption<Integer> MAX_ACTIVE_SEQUENCES = operator(
            ConfigOptions.key("max-active-sequences").intType(), MuninnOptions.MAX_ACTIVE_SEQUENCES,
            "Rows that hold KV cache and step together in the task manager's engine.");

    public static final ConfigOption<Double> TEMPERATURE = ConfigOptions.key("temperature")
            .doubleType()
            .noDefaultValue()
            .withDescription("Sampling temperature, finite and > 0; not set (or 0): greedy decoding.");

    public static final ConfigOption<Integer> TOP_K = ConfigOptions.key("top-k")
            .intType()
            .defaultValue(SAMPLING_DEFAULTS.getTopK())
            .withDescription("Keep the k most likely tokens when sampling, >= 0; 0 turns it off.");

    public static final ConfigOption<Double> TOP_P = ConfigOptions.key("top-p")
            .doubleType()
            .defaultValue(SAMPLING_DEFAULTS.getTopP())
            .withDescription("Nucleus mass when sampling, in (0, 1]; 1 turns it off.");

    public static final ConfigOption<Double> MIN_P = ConfigOptions.key("min-p")
            .doubleType()
            .defaultValue(SAMPLING_DEFAULTS.getMinP())
            .withDescription("Fraction of the largest probability a token needs when sampling, in [0, 1); 0 turns "
                    + "it off.");

    public static final ConfigOption<Long> SEED = ConfigOptions.key("seed")
            .longType()
            .noDefaultValue()
            .withDescription("The seed of every row's initial recurrent state and sampling draws. Not set: each row's "
                    + "seed is derived from the row (the id-column's value, else the prompt) as a request's seed is "
                    + "derived from its request_id, so a re-issued row reproduces its answer.");

    public static final ConfigOption<String> PROMPT_TEMPLATE = ConfigOptions.key("prompt-template")
            .stringType()
            .noDefaultValue()
            .withDescription("The prompt, with {column} placeholders naming input columns ({{ and }} for literal "
                    + "braces). Required when the input has several columns; not set: the one STRING column is the "
                    + "prompt.");

    public static final ConfigOption<String> ID_COLUMN = ConfigOptions.key("id-column")
            .stringType()
            .noDefaultValue()
            .withDescription("An input column that identifies a row: its value seeds the row as request_id seeds a "
                    + "request (bin/muninn annotate's id field), and names the row in errors.");

    public static final ConfigOption<ErrorHandling> ERROR_HANDLING = ConfigOptions.key("error-handling")
            .enumType(ErrorHandling.class)
            .defaultValue(ErrorHandling.REJECT)
            .withDescription("What a bad row (NULL, empty or over-long prompt, NULL template column) does: REJECT "
                    + "gives a result row with finish_reason 'rejected: <reason>'; FAIL fails the job naming the row.");

    /**
     * An operator option under its SQL name: {@code operator}'s type and default, and its description unless the
     * model's engine gives it another meaning ({@code description} not null).
     */
    private static <T> ConfigOption<T> operator(ConfigOptions.TypedConfigOptionBuilder<T> key, ConfigOption<T> operator,
            String description) {
        ConfigOption<T> option = key.defaultValue(operator.defaultValue());
        option = description == null ? option.withDescription(operator.description()) : option.withDescription(description);
        BY_OPERATOR_KEY.put(operator.key(), option);
        return option;
    }

    /** The SQL option that sets {@code operatorOption} (a {@link MuninnOptions} option) for a model. */
    static ConfigOption<?> forOperatorOption(ConfigOption<?> operatorOption) {
        ConfigOption<?> option = BY_OPERATOR_KEY.get(operatorOption.key());
        if (option == null) {
            throw new IllegalStateException(operatorOption.key() + " has no SQL option; a model leaves it at its default");
        }
        return option;
    }

    /** What a row that cannot run does. */
    public enum ErrorHandling {
        REJECT,
        FAIL
    }
}
