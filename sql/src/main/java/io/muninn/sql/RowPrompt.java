package io.muninn.sql;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * Turns an input row into its prompt: the one column as is, or a template whose {@code {column}} placeholders are
 * filled with the row's values ({@code {{} and {@code }}} write literal braces; the syntax of
 * {@code bin/muninn annotate --template}). Parsed and checked against the input schema when the model is planned.
 */
final class RowPrompt implements Serializable {
    private static final long serialVersionUID = 1L;

    /** literal, column index, literal, column index, ..., literal; column indexes as Integer. */
    private final List<Object> parts;
    private final List<String> columns;
    private final LogicalType[] types;
    private transient RowData.FieldGetter[] getters;

    private RowPrompt(List<Object> parts, List<String> columns, LogicalType[] types) {
        this.parts = parts;
        this.columns = columns;
        this.types = types;
    }

    /** The single column itself is the prompt. */
    static RowPrompt column(List<String> columns, LogicalType[] types) {
        List<Object> parts = new ArrayList<>(List.of("", 0, ""));
        return new RowPrompt(parts, List.copyOf(columns), types.clone());
    }

    /**
     * Parses {@code template} against the input columns.
     *
     * @throws IllegalArgumentException naming the template, the placeholder and the input columns
     */
    static RowPrompt template(String template, List<String> columns, LogicalType[] types) {
        String key = MuninnModelOptions.PROMPT_TEMPLATE.key();
        List<String> split = PromptTemplateSyntax.split(template, key + " '" + template + "'");
        if (split.size() == 1) {
            throw new IllegalArgumentException(String.format("%s '%s' has no {column} placeholder; allowed columns: %s",
                    key, template, columns));
        }
        List<Object> parts = new ArrayList<>(split);
        for (int i = 1; i < parts.size(); i += 2) {
            int index = columns.indexOf(split.get(i));
            if (index < 0) {
                throw new IllegalArgumentException(String.format("%s '%s' names the column {%s}, which is not an "
                        + "input column; allowed: %s", key, template, split.get(i), columns));
            }
            parts.set(i, index);
        }
        return new RowPrompt(parts, List.copyOf(columns), types.clone());
    }

    /** Whether the prompt is one column as is (then an empty value is an empty prompt). */
    boolean isSingleColumn() {
        return parts.size() == 3 && "".equals(parts.get(0)) && "".equals(parts.get(2));
    }

    /**
     * The prompt of {@code row}.
     *
     * @throws IllegalArgumentException when a column the prompt needs is NULL, or the prompt is empty
     */
    String render(RowData row) {
        getters();
        StringBuilder sb = new StringBuilder((String) parts.get(0));
        for (int i = 1; i < parts.size(); i += 2) {
            int index = (Integer) parts.get(i);
            Object value = getters[index].getFieldOrNull(row);
            if (value == null) {
                throw new IllegalArgumentException(String.format("column %s is NULL", columns.get(index)));
            }
            sb.append(value).append((String) parts.get(i + 1));
        }
        if (sb.toString().isBlank()) {
            throw new IllegalArgumentException(isSingleColumn()
                    ? String.format("column %s is an empty prompt", columns.get((Integer) parts.get(1)))
                    : "the prompt template rendered an empty prompt");
        }
        return sb.toString();
    }

    /** The value of {@code column} in {@code row} as text, or null. */
    String value(RowData row, int column) {
        getters();
        Object v = getters[column].getFieldOrNull(row);
        return v == null ? null : v.toString();
    }

    private void getters() {
        if (getters == null) {
            getters = new RowData.FieldGetter[types.length];
            for (int i = 0; i < types.length; i++) {
                getters[i] = RowData.createFieldGetter(types[i], i);
            }
        }
    }

    /** The row's values, for naming it in an error. */
    String describe(RowData row) {
        getters();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            Object v = getters[i].getFieldOrNull(row);
            String text = v == null ? "NULL" : "'" + v + "'";
            if (text.length() > 80) {
                text = text.substring(0, 77) + "...";
            }
            sb.append(i == 0 ? "" : ", ").append(columns.get(i)).append('=').append(text);
        }
        return sb.append(')').toString();
    }
}
