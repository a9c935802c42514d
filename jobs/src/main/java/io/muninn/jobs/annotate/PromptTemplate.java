package io.muninn.jobs.annotate;

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
    private final List<String> parts = new ArrayList<>(); // literal, field, literal, field, ..., literal

    public PromptTemplate(String source) {
        this.source = source;
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < source.length() && source.charAt(i + 1) == c) {
                literal.append(c);
                i++;
            } else if (c == '{') {
                int end = source.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException(String.format(
                            "prompt template has an unclosed '{' at character %s: %s", i, source));
                }
                String field = source.substring(i + 1, end).trim();
                if (field.isEmpty()) {
                    throw new IllegalArgumentException(String.format(
                            "prompt template has an empty placeholder '{}' at character %s; write {{}} for braces", i));
                }
                parts.add(literal.toString());
                parts.add(field);
                literal.setLength(0);
                i = end;
            } else if (c == '}') {
                throw new IllegalArgumentException(String.format(
                        "prompt template has an unmatched '}' at character %s; write }} for a literal brace", i));
            } else {
                literal.append(c);
            }
        }
        parts.add(literal.toString());
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
