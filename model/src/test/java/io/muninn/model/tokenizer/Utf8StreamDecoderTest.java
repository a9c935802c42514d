package io.muninn.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8StreamDecoderTest {

    /** Expected text per Unicode's maximal-subpart practice (what Rust's from_utf8_lossy gives). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "41              | A",
        "c3a9            | é",
        "e4b8ad          | 中",
        "f09f9982        | 🙂",
        "f48fbfbf        | \uDBFF\uDFFF",
        "e4b861          | \uFFFDa",
        "f080            | \uFFFD\uFFFD",
        "c0af            | \uFFFD\uFFFD",
        "eda080          | \uFFFD\uFFFD\uFFFD",
        "e080af          | \uFFFD\uFFFD\uFFFD",
        "f4908080        | \uFFFD\uFFFD\uFFFD\uFFFD",
        "f5              | \uFFFD",
        "80bf            | \uFFFD\uFFFD",
        "f09f99          | \uFFFD",
        "e4b8e4b8ad      | \uFFFD中",
        "61f09f99f09f9982| a\uFFFD🙂",
    })
    void replacesMaximalIllFormedSubparts(String hex, String expected) {
        byte[] bytes = HexFormat.of().parseHex(hex.strip());

        assertThat(decodeInOnePiece(bytes)).isEqualTo(expected);
        assertThat(decodeByteByByte(bytes)).isEqualTo(expected);
    }

    @Test
    void theTextDoesNotDependOnHowTheBytesAreSplit() {
        Random random = new Random(7L);
        for (int sample = 0; sample < 2000; sample++) {
            byte[] bytes = new byte[random.nextInt(16)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly lead and continuation bytes, some ASCII.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            String whole = decodeInOnePiece(bytes);

            Utf8StreamDecoder decoder = new Utf8StreamDecoder();
            StringBuilder chunked = new StringBuilder();
            int start = 0;
            while (start < bytes.length) {
                int end = start + 1 + random.nextInt(bytes.length - start);
                chunked.append(decoder.decode(Arrays.copyOfRange(bytes, start, end)));
                start = end;
            }
            chunked.append(decoder.flush());
            assertThat(chunked.toString()).as(HexFormat.of().formatHex(bytes)).isEqualTo(whole);
            assertThat(decodeByteByByte(bytes)).as(HexFormat.of().formatHex(bytes)).isEqualTo(whole);
        }
    }

    @Test
    void emitsACharacterWithItsLastByte() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();

        assertThat(decoder.decode(new byte[] {(byte) 0xF0, (byte) 0x9F})).isEmpty();
        assertThat(decoder.hasPendingBytes()).isTrue();
        assertThat(decoder.decode(new byte[] {(byte) 0x99})).isEmpty();
        assertThat(decoder.decode(new byte[] {(byte) 0x82, 'a'})).isEqualTo("🙂a");
        assertThat(decoder.hasPendingBytes()).isFalse();
        assertThat(decoder.decode(new byte[0])).isEmpty();
    }

    private static String decodeInOnePiece(byte[] bytes) {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        return decoder.decode(bytes) + decoder.flush();
    }

    private static String decodeByteByByte(byte[] bytes) {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(decoder.decode(new byte[] {b}));
        }
        return out.append(decoder.flush()).toString();
    }
}
