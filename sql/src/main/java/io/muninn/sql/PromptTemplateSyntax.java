package io.muninn.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The prompt template syntax of {@code bin/muninn annotate --template} and of a SQL model's {@code prompt-template}:
 * {@code {name}} is a placeholder (the name trimmed), {@code {{} and {@code }}} write literal braces.
 */
public final class PromptTemplateSyntax {
    private PromptTemplateSyntax() {}

    /**
     * Splits {@code template} into literal, placeholder name, literal, ..., literal (an odd count; 1 when it has no
     * placeholder).
     *
     * @param what names the template in errors, e.g. {@code prompt template 'Q: {question}'}
     * @throws IllegalArgumentException for an unclosed '{', an unmatched '}' or an empty placeholder, with its position
     */
    public static List<String> split(String template, String what) {
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}') && i + 1 < template.length() && template.charAt(i + 1) == c) {
                literal.append(c);
                i++;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException(String.format(
                            "%s has an unclosed '{' at character %s; write {{ for a literal brace", what, i));
                }
                String name = template.substring(i + 1, end).trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException(String.format(
                            "%s has an empty placeholder '{}' at character %s; write {{}} for braces", what, i));
                }
                parts.add(literal.toString());
                parts.add(name);
                literal.setLength(0);
                i = end;
            } else if (c == '}') {
                throw new IllegalArgumentException(String.format(
                        "%s has an unmatched '}' at character %s; write }} for a literal brace", what, i));
            } else {
                literal.append(c);
            }
        }
        parts.add(literal.toString());
        return parts;
    }
}
