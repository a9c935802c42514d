package io.muninn.jobs.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A SQL script split into statements at semicolons that are outside quotes, comments and backticks; {@code --} line
 * comments and {@code /* ... *}{@code /} block comments are dropped.
 */
public final class SqlScript {
    private SqlScript() {}

    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n) {
                    if (script.charAt(j) == c) {
                        if (j + 1 < n && script.charAt(j + 1) == c) { // doubled quote: an escaped one
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                if (j >= n) {
                    throw new IllegalArgumentException("unterminated " + c + " quote starting at character " + i
                            + ": " + script.substring(i, Math.min(n, i + 40)));
                }
                current.append(script, i, j + 1);
                i = j + 1;
                continue;
            }
            if (c == ';') {
                add(out, current);
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder current) {
        String s = current.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        current.setLength(0);
    }
}
