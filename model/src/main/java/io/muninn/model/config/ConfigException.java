package io.muninn.model.config;

/** A {@code config.json} value that Muninn cannot run; the message names the field, the value and the limit. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String template, Object... args) {
        super(String.format(template, args));
    }
}
