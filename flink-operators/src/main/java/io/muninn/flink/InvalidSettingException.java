package io.muninn.flink;

import org.apache.flink.configuration.ConfigOption;

/**
 * A value {@link RecurrentDepthGeneration.Builder#build()} rejects, with the option it belongs to, so that a caller
 * with its own names for the operator's options (the SQL model provider) can report it under those names.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient ConfigOption<?> option;
    private final transient Object value;
    private final String problem;

    /**
     * @param problem what is wrong and what is allowed, without the option's name (e.g. "must be >= 1 but was 0");
     *                the message is the option's key, then {@code separator}, then this
     */
    InvalidSettingException(ConfigOption<?> option, Object value, String separator, String problem, Throwable cause) {
        super(option.key() + separator + problem, cause);
        this.option = option;
        this.value = value;
        this.problem = problem;
    }

    /** The {@link MuninnOptions} option whose value is wrong. */
    public ConfigOption<?> option() {
        return option;
    }

    public Object value() {
        return value;
    }

    /** The message without the option's name. */
    public String problem() {
        return problem;
    }
}
