package io.muninn.model.tokenizer;

/**
 * Decodes a UTF-8 byte stream that arrives in arbitrary pieces, emitting each character as soon as its last byte
 * arrives. Bytes that cannot be part of a well-formed sequence become one U+FFFD per maximal ill-formed subpart
 * (the Unicode standard's "U+FFFD substitution of maximal subparts"), the same text Rust's {@code String::from_utf8_lossy}
 * gives for the whole stream, which is what Hugging Face's {@code ByteLevel} decoder uses. A subpart is replaced as
 * soon as the decoder knows it is ill-formed; a valid but unfinished prefix waits for more bytes, and becomes one
 * U+FFFD if the stream ends first ({@link #flush()}).
 *
 * <p>Not thread-safe: one instance per stream.
 */
final class Utf8StreamDecoder {

    private static final char REPLACEMENT = '\uFFFD';

    /** An unfinished but so far well-formed sequence: at most 3 bytes. */
    private final byte[] pending = new byte[3];
    private int pendingLength;

    /** Appends {@code bytes} to the stream and returns the text that became complete. */
    String decode(byte[] bytes) {
        byte[] buffer = bytes;
        if (pendingLength > 0) {
            buffer = new byte[pendingLength + bytes.length];
            System.arraycopy(pending, 0, buffer, 0, pendingLength);
            System.arraycopy(bytes, 0, buffer, pendingLength, bytes.length);
        }
        pendingLength = 0;
        StringBuilder out = new StringBuilder(buffer.length);
        int i = 0;
        while (i < buffer.length) {
            int lead = buffer[i] & 0xFF;
            if (lead < 0x80) {
                out.append((char) lead);
                i++;
                continue;
            }
            int length = sequenceLength(lead);
            if (length == 0) {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int codePoint = lead & (0xFF >> (length + 1));
            int k = 1;
            for (; k < length; k++) {
                if (i + k == buffer.length) {
                    pendingLength = buffer.length - i;
                    System.arraycopy(buffer, i, pending, 0, pendingLength);
                    return out.toString();
                }
                int next = buffer[i + k] & 0xFF;
                if (!continues(lead, k, next)) {
                    break;
                }
                codePoint = (codePoint << 6) | (next & 0x3F);
            }
            if (k < length) {
                out.append(REPLACEMENT);
                i += k;
            } else {
                out.appendCodePoint(codePoint);
                i += length;
            }
        }
        return out.toString();
    }

    /** Ends the stream: an unfinished sequence becomes one U+FFFD. The decoder is then empty and reusable. */
    String flush() {
        if (pendingLength == 0) {
            return "";
        }
        pendingLength = 0;
        return String.valueOf(REPLACEMENT);
    }

    /** Whether bytes of an unfinished character are waiting for the rest of it. */
    boolean hasPendingBytes() {
        return pendingLength > 0;
    }

    /** Bytes in a sequence with this lead byte; 0 for a byte that cannot start one (Unicode Table 3-7). */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /**
     * Whether {@code next} may stand at position {@code k} (1..3) of a sequence led by {@code lead}: 80..BF, except
     * the second byte after E0 (A0..BF), ED (80..9F), F0 (90..BF) and F4 (80..8F) (Unicode Table 3-7).
     */
    private static boolean continues(int lead, int k, int next) {
        int lowest = 0x80;
        int highest = 0xBF;
        if (k == 1) {
            switch (lead) {
                case 0xE0 -> lowest = 0xA0;
                case 0xED -> highest = 0x9F;
                case 0xF0 -> lowest = 0x90;
                case 0xF4 -> highest = 0x8F;
                default -> { }
            }
        }
        return next >= lowest && next <= highest;
    }
}
