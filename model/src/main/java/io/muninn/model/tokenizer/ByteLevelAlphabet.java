package io.muninn.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte-level BPE alphabet (GPT-2's {@code bytes_to_unicode}, used by Hugging Face's {@code ByteLevel}
 * pre-tokenizer and decoder): each of the 256 byte values is written as one visible character. The printable
 * Latin-1 bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} stand for themselves; the other 68 bytes, in
 * ascending order, stand for U+0100, U+0101, ... (so a space is {@code Ġ} and a newline {@code Ċ}).
 */
final class ByteLevelAlphabet {

    private static final char[] CHAR_OF_BYTE = new char[256];
    /** Indexed by character; -1 where the character stands for no byte. */
    private static final int[] BYTE_OF_CHAR;

    static {
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            CHAR_OF_BYTE[b] = standsForItself(b) ? (char) b : (char) (256 + shifted++);
        }
        BYTE_OF_CHAR = new int[256 + shifted];
        Arrays.fill(BYTE_OF_CHAR, -1);
        for (int b = 0; b < 256; b++) {
            BYTE_OF_CHAR[CHAR_OF_BYTE[b]] = b;
        }
    }

    private ByteLevelAlphabet() {}

    private static boolean standsForItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that stands for {@code b} (0..255). */
    static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The vocabulary spelling of {@code bytes}: one alphabet character per byte. */
    static String spell(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append(CHAR_OF_BYTE[b & 0xFF]);
        }
        return out.toString();
    }

    /**
     * The bytes a vocabulary token stands for, exactly as Hugging Face's {@code ByteLevel} decoder computes them:
     * each character mapped back to its byte, or, when any character of the token is outside the alphabet (an
     * added token such as {@code <|end turn|>} with a space), the token's own UTF-8 bytes.
     */
    static byte[] bytesOf(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
            if (b < 0) {
                return token.getBytes(StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
