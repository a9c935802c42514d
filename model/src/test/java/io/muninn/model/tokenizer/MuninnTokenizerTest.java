package io.muninn.model.tokenizer;

import static io.muninn.model.tokenizer.TestTokenizers.BEGIN_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_TURN;
import static io.muninn.model.tokenizer.TestTokenizers.PAD;
import static io.muninn.model.tokenizer.TestTokenizers.VOCAB_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MuninnTokenizerTest {

    private final MuninnTokenizer tokenizer = TestTokenizers.shared();

    /** Expected ids from make_test_tokenizer.py's naive BPE (merges applied lowest rank first). */
    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("hello", new int[] {259}),
                Arguments.of("hello world", new int[] {259, 264}),
                Arguments.of("ell", new int[] {101, 257}),
                Arguments.of(" the cat", new int[] {267, 277}),
                Arguments.of("the 2025 cats!", new int[] {116, 256, 32, 50, 48, 50, 53, 277, 115, 33}),
                Arguments.of("Hello, World?!", new int[] {72, 101, 257, 111, 44, 32, 87, 261, 263, 63, 33}),
                Arguments.of("tab\tx  y", new int[] {116, 97, 98, 9, 120, 32, 32, 121}),
                Arguments.of("a\n\nb", new int[] {97, 274, 98}),
                Arguments.of("é", new int[] {268}),
                Arguments.of("🙂", new int[] {270, 130}),
                Arguments.of("中文字", new int[] {271, 272, 150, 135, 229, 173, 151}),
                Arguments.of("e\u0301", new int[] {273, 129}),
                Arguments.of("é 🙂😀 中文字 e\u0301",
                        new int[] {268, 32, 270, 130, 269, 152, 128, 32, 271, 272, 150, 135, 229, 173, 151, 32, 273, 129}),
                Arguments.of("", new int[] {}));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("corpus")
    void encodesTheCorpusToTheIdsOfByteLevelBpe(String text, int[] ids) {
        assertThat(tokenizer.encode(text)).containsExactly(ids);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("corpus")
    void decodeRoundTripsTheCorpus(String text, int[] ids) {
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void appliesMergesByRankNotByPosition() {
        // "ell": pairs (e,l) rank 9 and (l,l) rank 1; "l l" applies first, and no merge "e ll" exists.
        assertThat(tokenizer.encode("ell")).containsExactly('e', 257);
        assertThat(tokenizer.token(257)).isEqualTo("ll");
        // "hello": h e (rank 0) -> he, then l l (rank 1) -> ll, then he ll (rank 2) -> hell, then hell o (rank 3).
        assertThat(tokenizer.encode("hello")).containsExactly(259);
        assertThat(tokenizer.token(259)).isEqualTo("hello");
        // " world": Ġ w (4), o r (5), Ġw or (6), l d (7), Ġwor ld (8).
        assertThat(tokenizer.encode(" world")).containsExactly(264);
        assertThat(tokenizer.token(264)).isEqualTo("Ġworld");
    }

    @Test
    void mapsSpecialTokenStringsInTextToTheirIds() {
        assertThat(tokenizer.encode("hi<|end_turn|>there")).containsExactly('h', 'i', END_TURN, 't', 256, 'r', 'e');
        assertThat(tokenizer.encode("<|begin_text|>hello<|end_text|>")).containsExactly(BEGIN_TEXT, 259, END_TEXT);
    }

    @Test
    void addsNoSpecialTokensAlthoughThePostProcessorWould() {
        String postProcessor = JsonParser.parseString(TestTokenizers.tokenizerJson()).getAsJsonObject()
                .getAsJsonObject("post_processor").toString();
        assertThat(postProcessor).contains("TemplateProcessing", "<|end_text|>");

        assertThat(tokenizer.encode("hello")).containsExactly(259);
    }

    @Test
    void doesNotTruncateLongTexts() {
        // DJL's default would cut this to 512 tokens.
        String text = " the".repeat(2000);
        assertThat(tokenizer.encode(text)).hasSize(2000).containsOnly(267);
    }

    @Test
    void decodeIncludesSpecialTokensUnlessAskedToSkipThem() {
        int[] ids = {BEGIN_TEXT, 259, END_TURN, 264, END_TEXT};

        assertThat(tokenizer.decode(ids)).isEqualTo("<|begin_text|>hello<|end_turn|> world<|end_text|>");
        assertThat(tokenizer.decode(ids, false)).isEqualTo("<|begin_text|>hello<|end_turn|> world<|end_text|>");
        assertThat(tokenizer.decode(ids, true)).isEqualTo("hello world");
    }

    @Test
    void decodeReplacesBytesThatAreNotUtf8() {
        // E4 B8 starts 中 but 'a' cannot continue it; F0 9F 99 is three quarters of 🙂 when the text ends.
        assertThat(tokenizer.decode(new int[] {271, 'a'})).isEqualTo("\uFFFDa");
        assertThat(tokenizer.decode(new int[] {270})).isEqualTo("\uFFFD");
    }

    @Test
    void knowsItsVocabulary() {
        assertThat(tokenizer.vocabSize()).isEqualTo(VOCAB_SIZE);
        assertThat(tokenizer.tokenId("Ġthe")).hasValue(267);
        assertThat(tokenizer.tokenId("<|end_turn|>")).hasValue(END_TURN);
        assertThat(tokenizer.tokenId("a")).hasValue('a');
        assertThat(tokenizer.tokenId(" ")).isEmpty();
        assertThat(tokenizer.tokenId("the")).isEmpty();
        assertThat(tokenizer.token(32)).isEqualTo("Ġ");
        assertThat(tokenizer.token(END_TURN)).isEqualTo("<|end_turn|>");
    }

    @Test
    void knowsWhichTokensAreSpecial() {
        List<Integer> special = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) {
                special.add(id);
            }
        }
        assertThat(special).containsExactly(278, 279, 280, 281, 282, 283);
    }

    @Test
    void resolvesHuginnSpecialTokenIds() {
        assertThat(tokenizer.bosToken()).hasValue("<|begin_text|>");
        assertThat(tokenizer.bosTokenId()).hasValue(BEGIN_TEXT);
        assertThat(tokenizer.eosTokenId()).hasValue(END_TEXT);
        assertThat(tokenizer.padTokenId()).hasValue(PAD);
        assertThat(tokenizer.endTurnTokenId()).hasValue(END_TURN);
        assertThat(tokenizer.stopTokenIds()).containsExactly(BEGIN_TEXT, END_TEXT, END_TURN);
    }

    @Test
    void tokenBytesAreTheBytesTheTokenStandsFor() {
        assertThat(tokenizer.tokenBytes(' ')).containsExactly(0x20);
        assertThat(tokenizer.tokenBytes(0xAD)).containsExactly(0xAD);
        assertThat(tokenizer.tokenBytes(264)).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.tokenBytes(270)).containsExactly(0xF0, 0x9F, 0x99); // 3/4 of 🙂
        assertThat(tokenizer.tokenBytes(272)).containsExactly(0xAD, 0xE6); // end of 中, start of 文
        assertThat(tokenizer.tokenBytes(273)).containsExactly('e', 0xCC); // e, half of U+0301
        assertThat(tokenizer.tokenBytes(END_TURN)).isEqualTo("<|end_turn|>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void specialTokensPassThroughTheByteLevelDecoderLikeEveryToken(@TempDir Path tmp) {
        // Hugging Face decodes an added token's text with the ByteLevel decoder too: "Ġ" becomes a space.
        String json = TestTokenizers.tokenizerJson().replace("<|pad|>", "<Ġpad>");
        try (MuninnTokenizer odd = MuninnTokenizer.load(TestTokenizers.modelDir(tmp, json, null))) {
            assertThat(odd.decode(new int[] {PAD})).isEqualTo("< pad>");
            assertThat(odd.tokenBytes(PAD)).isEqualTo("< pad>".getBytes(StandardCharsets.UTF_8));
            assertThat(odd.encode("x<Ġpad>")).containsExactly('x', PAD);
        }
    }

    @Test
    void tokenBytesReturnsACopy() {
        tokenizer.tokenBytes(264)[0] = 'X';

        assertThat(tokenizer.tokenBytes(264)).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("corpus")
    void tokenBytesConcatenateToTheText(String text, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenizer.tokenBytes(id));
        }
        assertThat(out.toByteArray()).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsIdsOutsideTheVocabularyNamingTheIdAndTheSize() {
        String message = "token id 284 is outside the vocabulary (size 284) of %s: ids must be in [0, 284)";
        Path file = TestTokenizers.byteLevelBpeDir().resolve("tokenizer.json");

        assertThatThrownBy(() -> tokenizer.decode(new int[] {1, 284}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message, file);
        assertThatThrownBy(() -> tokenizer.tokenBytes(284)).hasMessage(message, file);
        assertThatThrownBy(() -> tokenizer.isSpecial(284)).hasMessage(message, file);
        assertThatThrownBy(() -> tokenizer.token(-1))
                .hasMessage("token id -1 is outside the vocabulary (size 284) of %s: ids must be in [0, 284)", file);
    }

    @Test
    void rejectsIdsNoTokenHas(@TempDir Path tmp) {
        // Moving <|pad|> to id 290 leaves 283..289 unassigned.
        String json = TestTokenizers.tokenizerJson().replace("\"id\": 283,", "\"id\": 290,");
        try (MuninnTokenizer gappy = MuninnTokenizer.load(TestTokenizers.modelDir(tmp, json, null))) {
            assertThat(gappy.vocabSize()).isEqualTo(291);
            assertThat(gappy.padTokenId()).hasValue(290);
            assertThatThrownBy(() -> gappy.decode(new int[] {285}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token id 285 is unassigned in the vocabulary of %s (size 291): no token has this id",
                            gappy.directory().resolve("tokenizer.json"));
        }
    }

    @Test
    void nullTextIsRejected() {
        assertThatThrownBy(() -> tokenizer.encode(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
    }

    @Test
    void aClosedTokenizerSaysSo() {
        MuninnTokenizer closed = MuninnTokenizer.load(TestTokenizers.byteLevelBpeDir());
        closed.close();
        closed.close();

        assertThatThrownBy(() -> closed.encode("hello"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The tokenizer of %s is closed", TestTokenizers.byteLevelBpeDir());
    }
}
