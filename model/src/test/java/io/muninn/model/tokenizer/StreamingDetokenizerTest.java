package io.muninn.model.tokenizer;

import static io.muninn.model.tokenizer.TestTokenizers.END_TURN;
import static io.muninn.model.tokenizer.TestTokenizers.VOCAB_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamingDetokenizerTest {

    private final MuninnTokenizer tokenizer = TestTokenizers.shared();

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {
        "hello world",
        "é 🙂😀 中文字 e\u0301",
        "🙂",
        "👨\u200D👩\u200D👧 🇩🇪 🏳️\u200D🌈",
        "中文字，日本語のテキスト、한국어",
        "a\u0301\u0302 o\u0308 ñ ñ ṩ̂",
        "the 2025 cats!\n\n\tTabs and  spaces  ",
        "<|begin_text|>hello<|end_turn|>中<|end_text|>",
        "\uD800\uDC00 𝄞 \uDBFF\uDFFF"
    })
    void piecesConcatenateToDecode(String text) {
        int[] ids = tokenizer.encode(text);

        assertThat(streamed(ids, StreamingDetokenizer.includingSpecialTokens(tokenizer)))
                .isEqualTo(tokenizer.decode(ids, false))
                .isEqualTo(text);
        assertThat(streamed(ids, StreamingDetokenizer.skippingSpecialTokens(tokenizer)))
                .isEqualTo(tokenizer.decode(ids, true));
    }

    @Test
    void aCharacterArrivesWithTheTokenThatCompletesIt() {
        assertThat(pieces("🙂")).containsExactly("", "🙂", "");
        assertThat(pieces("中文")).containsExactly("", "中", "", "文", "");
        assertThat(pieces("e\u0301")).containsExactly("e", "\u0301", "");
        assertThat(pieces("é 🙂")).containsExactly("é", " ", "", "🙂", "");
        assertThat(pieces("hello world")).containsExactly("hello", " world", "");
    }

    @Test
    void reportsWhetherACharacterIsUnfinished() {
        StreamingDetokenizer detokenizer = StreamingDetokenizer.includingSpecialTokens(tokenizer);

        detokenizer.accept(270); // F0 9F 99
        assertThat(detokenizer.hasPendingBytes()).isTrue();
        detokenizer.accept(130); // 82
        assertThat(detokenizer.hasPendingBytes()).isFalse();
    }

    @Test
    void replacesBytesAsSoonAsTheyCannotFormACharacter() {
        StreamingDetokenizer detokenizer = StreamingDetokenizer.includingSpecialTokens(tokenizer);

        assertThat(detokenizer.accept(0xE4)).isEmpty();
        assertThat(detokenizer.accept(0xB8)).isEmpty();
        assertThat(detokenizer.accept('a')).isEqualTo("\uFFFDa");
        assertThat(detokenizer.accept(0xFF)).isEqualTo("\uFFFD");
        assertThat(detokenizer.accept(0x80)).isEqualTo("\uFFFD");
        assertThat(detokenizer.flush()).isEmpty();
    }

    @Test
    void flushReplacesAnUnfinishedCharacter() {
        StreamingDetokenizer detokenizer = StreamingDetokenizer.includingSpecialTokens(tokenizer);

        assertThat(detokenizer.accept(270)).isEmpty();
        assertThat(detokenizer.flush()).isEqualTo("\uFFFD");
        assertThat(detokenizer.flush()).isEmpty();
        assertThat(tokenizer.decode(new int[] {270})).isEqualTo("\uFFFD");
    }

    @Test
    void specialTokensEitherShowTheirTextOrLeaveACharacterWaiting() {
        int[] ids = {271, END_TURN, 'x', 173}; // E4 B8, <|end_turn|>, x, AD

        List<String> including = pieces(ids, StreamingDetokenizer.includingSpecialTokens(tokenizer));
        List<String> skipping = pieces(ids, StreamingDetokenizer.skippingSpecialTokens(tokenizer));

        assertThat(including).containsExactly("", "\uFFFD<|end_turn|>", "x", "\uFFFD", "");
        assertThat(String.join("", including)).isEqualTo(tokenizer.decode(ids, false));
        assertThat(skipping).containsExactly("", "", "\uFFFDx", "\uFFFD", "");
        assertThat(String.join("", skipping)).isEqualTo(tokenizer.decode(ids, true));

        int[] around = {271, END_TURN, 173};
        assertThat(pieces(around, StreamingDetokenizer.skippingSpecialTokens(tokenizer)))
                .containsExactly("", "", "中", "");
        assertThat(tokenizer.decode(around, true)).isEqualTo("中");
    }

    @Test
    void randomIdSequencesStreamToExactlyWhatHuggingFaceDecodes() {
        Random random = new Random(20261123L);
        for (int sequence = 0; sequence < 500; sequence++) {
            int[] ids = new int[1 + random.nextInt(24)];
            for (int i = 0; i < ids.length; i++) {
                // Half of the ids are high bytes (0x80..0xFF), the makings of split and broken characters.
                ids[i] = random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(VOCAB_SIZE);
            }
            String where = Arrays.toString(ids);
            assertThat(streamed(ids, StreamingDetokenizer.includingSpecialTokens(tokenizer)))
                    .as(where).isEqualTo(tokenizer.decode(ids, false));
            assertThat(streamed(ids, StreamingDetokenizer.skippingSpecialTokens(tokenizer)))
                    .as(where).isEqualTo(tokenizer.decode(ids, true));
        }
    }

    @Test
    void randomTextRoundTripsThroughEncodeAndStreaming() {
        Random random = new Random(42L);
        int[][] blocks = {{0x20, 0x7E}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x4E00, 0x4FFF}, {0x1F300, 0x1F64F},
            {0x10000, 0x1007F}, {0x10FF00, 0x10FFFD}};
        for (int sample = 0; sample < 200; sample++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                int[] block = blocks[random.nextInt(blocks.length)];
                text.appendCodePoint(block[0] + random.nextInt(block[1] - block[0] + 1));
            }
            int[] ids = tokenizer.encode(text.toString());
            assertThat(streamed(ids, StreamingDetokenizer.skippingSpecialTokens(tokenizer)))
                    .as(Arrays.toString(ids)).isEqualTo(text.toString());
        }
    }

    @Test
    void anUnknownIdIsRefusedAndChangesNothing() {
        StreamingDetokenizer detokenizer = StreamingDetokenizer.skippingSpecialTokens(tokenizer);
        detokenizer.accept(271);

        assertThatThrownBy(() -> detokenizer.accept(VOCAB_SIZE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("token id 284 is outside the vocabulary (size 284)");
        assertThat(detokenizer.accept(173)).isEqualTo("中");
    }

    private List<String> pieces(String text) {
        return pieces(tokenizer.encode(text), StreamingDetokenizer.includingSpecialTokens(tokenizer));
    }

    /** The piece of each id, then the flush. */
    private static List<String> pieces(int[] ids, StreamingDetokenizer detokenizer) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(detokenizer.accept(id));
        }
        pieces.add(detokenizer.flush());
        return pieces;
    }

    private static String streamed(int[] ids, StreamingDetokenizer detokenizer) {
        return String.join("", pieces(ids, detokenizer));
    }
}
