package io.muninn.schemas.codec;

/** How values appear in rejection reasons: short enough for a log line, however large the offending value. */
final class Shown {
    static final int MAX_CHARS = 80;

    private Shown() {
    }

    /** A string value, quoted, cut to {@link #MAX_CHARS} characters with its full length noted. */
    static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= MAX_CHARS) {
            return "'" + value + "'";
        }
        return "'" + value.substring(0, MAX_CHARS) + "...' (" + value.length() + " characters)";
    }

    /** Free text from a library (an exception message), cut to a bounded length. */
    static String text(String value) {
        if (value == null) {
            return "no detail";
        }
        return value.length() <= 4 * MAX_CHARS ? value : value.substring(0, 4 * MAX_CHARS) + "...";
    }

    /** The first bytes of a payload in hex, for a reason that says what the payload looked like. */
    static String hexPrefix(byte[] bytes, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(count, bytes.length); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(String.format("%02X", bytes[i] & 0xFF));
        }
        if (bytes.length > count) {
            out.append(" ...");
        }
        return out.toString();
    }
}
