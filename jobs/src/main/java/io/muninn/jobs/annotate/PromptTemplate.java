package io.muninn.jobs.annotate;

import io.muninn.sql.PromptTemplateSyntax;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A prompt with {@code {field}} placeholders filled from a record's fields; {@code {{} and {@code }}} write literal
 * braces. Parsed once; rendering a record that lacks a field fails naming the field and the record.
 */
public final class PromptTemplate implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<String> parts; // literal, field, literal, field, ..., literal

    public PromptTemplate(String source) {
        this.source = source;
        this.parts = PromptTemplateSyntax.split(source, "prompt template '" + source + "'");
    }

    /** The fields the template reads, in order of appearance. */
    public List<String> fields() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < parts.size(); i += 2) {
            out.add(parts.get(i));
        }
        return out;
    }

    /** The prompt for {@code record}; {@code recordName} identifies it in the error for a missing field. */
    public String render(Map<String, String> record, String recordName) {
        StringBuilder sb = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i += 2) {
            String field = parts.get(i);
            String value = record.get(field);
            if (value == null) {
                throw new IllegalArgumentException(String.format(
                        "record %s has no field '%s' that the prompt template needs (it has %s)", recordName, field,
                        record.keySet()));
            }
            sb.append(value).append(parts.get(i + 1));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
