package io.muninn.model.tokenizer;

/**
 * Jinja's {@code trim} filter, which is Python's {@code str.strip()}: it removes the characters for which Python's
 * {@code str.isspace()} is true, a wider set than Java's {@link String#strip()} (it includes U+0085, U+00A0,
 * U+2007 and U+202F).
 */
final class JinjaTrim {

    private JinjaTrim() {}

    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Python's {@code str.isspace()} for one character: every such code point is in the BMP. */
    static boolean isPythonSpace(char c) {
        return (c >= '\t' && c <= '\r')
                || (c >= '\u001C' && c <= ' ')
                || c == '\u0085'
                || c == '\u00A0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200A')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202F'
                || c == '\u205F'
                || c == '\u3000';
    }
}
