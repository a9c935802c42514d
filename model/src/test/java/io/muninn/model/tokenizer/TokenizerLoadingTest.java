package io.muninn.model.tokenizer;

import static io.muninn.model.tokenizer.TestTokenizers.BEGIN_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_HEADER;
import static io.muninn.model.tokenizer.TestTokenizers.END_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_TURN;
import static io.muninn.model.tokenizer.TestTokenizers.PAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading a model directory: tokenizer.json checks and tokenizer_config.json variants. */
class TokenizerLoadingTest {

    @TempDir
    Path tmp;

    private final String json = TestTokenizers.tokenizerJson();

    @Test
    void readsHuginnsTokenizerConfig() {
        MuninnTokenizer tokenizer = TestTokenizers.shared();

        assertThat(tokenizer.addBosToken()).isFalse();
        assertThat(tokenizer.chatTemplateSource()).hasValueSatisfying(template -> assertThat(template)
                .startsWith("{% set loop_messages = messages %}")
                .contains("'Huginn<|end_header|>\\n\\n'"));
        assertThat(tokenizer.directory()).isEqualTo(TestTokenizers.byteLevelBpeDir());
    }

    @Test
    void withoutTokenizerConfigFallsBackToHuginnsSpecialTokens() {
        try (MuninnTokenizer tokenizer = load(json, null)) {
            assertThat(tokenizer.bosToken()).hasValue("<|begin_text|>");
            assertThat(tokenizer.bosTokenId()).hasValue(BEGIN_TEXT);
            assertThat(tokenizer.eosTokenId()).hasValue(END_TEXT);
            assertThat(tokenizer.padTokenId()).hasValue(PAD);
            assertThat(tokenizer.stopTokenIds()).containsExactly(BEGIN_TEXT, END_TEXT, END_TURN);
            assertThat(tokenizer.addBosToken()).isFalse();
            assertThat(tokenizer.chatTemplateSource()).isEmpty();
        }
    }

    @Test
    void readsTokensGivenAsAddedTokenObjects() {
        String config = "{\"eos_token\": {\"content\": \"<|end_header|>\", \"special\": true},"
                + " \"add_bos_token\": true}";
        try (MuninnTokenizer tokenizer = load(json, config)) {
            assertThat(tokenizer.eosTokenId()).hasValue(END_HEADER);
            assertThat(tokenizer.stopTokenIds()).containsExactly(BEGIN_TEXT, END_TEXT, END_HEADER, END_TURN);
            assertThat(tokenizer.addBosToken()).isTrue();
        }
    }

    @Test
    void anExplicitNullMeansNoSuchToken() {
        try (MuninnTokenizer tokenizer = load(json, "{\"bos_token\": null, \"pad_token\": null}")) {
            assertThat(tokenizer.bosToken()).isEmpty();
            assertThat(tokenizer.bosTokenId()).isEmpty();
            assertThat(tokenizer.padTokenId()).isEmpty();
            assertThat(tokenizer.eosTokenId()).hasValue(END_TEXT);
        }
    }

    @Test
    void keepsTheDefaultOfAListOfNamedChatTemplates() {
        String config = "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"},"
                + " {\"name\": \"default\", \"template\": \"D\"}]}";
        try (MuninnTokenizer tokenizer = load(json, config)) {
            assertThat(tokenizer.chatTemplateSource()).hasValue("D");
        }
    }

    /**
     * Model directories the loader refuses: their tokenizer.json and tokenizer_config.json (null: absent) and the
     * message, in which {json} and {config} stand for the paths of the two files.
     */
    static Stream<Arguments> refusedDirectories() {
        String json = TestTokenizers.tokenizerJson();
        return Stream.of(
                Arguments.of("a missing tokenizer.json", null, null, "No tokenizer.json at {json}: a model directory"
                        + " needs the tokenizer.json of its Hugging Face repository"),
                Arguments.of("a tokenizer that is not byte-level", edit(json,
                        "\"decoder\": {\n  \"type\": \"ByteLevel\"", "\"decoder\": {\n  \"type\": \"Metaspace\""), null,
                        "{json}: decoder.type must be ByteLevel but was Metaspace; Muninn streams text by mapping"
                                + " byte-level BPE tokens back to bytes"),
                Arguments.of("a model other than BPE", edit(json, "\"type\": \"BPE\"", "\"type\": \"WordPiece\""),
                        null, "{json}: model.type must be BPE (byte-level BPE) but was WordPiece"),
                Arguments.of("a negative id", edit(json, "\"id\": 283,", "\"id\": -3,"), null,
                        "{json}: added_tokens[5].id must be a token id in [0, 16777215] but was -3"),
                Arguments.of("a configured token that is not in the vocabulary", json, "{\"eos_token\": \"</s>\"}",
                        "{config}: eos_token '</s>' is not in the vocabulary of {json}"),
                Arguments.of("a malformed flag", json, "{\"add_bos_token\": \"yes\"}",
                        "{config}: add_bos_token must be true or false but was \"yes\""),
                Arguments.of("a malformed token", json, "{\"pad_token\": 283}",
                        "{config}: pad_token must be a token string or an object with a content string but was 283"));
    }

    /** {@code json} with {@code from}, which must occur in it, replaced by {@code to}. */
    private static String edit(String json, String from, String to) {
        assertThat(json).contains(from);
        return json.replace(from, to);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedDirectories")
    void refusesADirectory(String name, String tokenizerJson, String tokenizerConfigJson, String message) {
        Path dir = TestTokenizers.modelDir(tmp, tokenizerJson, tokenizerConfigJson);

        assertRefused(dir).hasMessage(message.replace("{json}", dir.resolve("tokenizer.json").toString())
                .replace("{config}", dir.resolve("tokenizer_config.json").toString()));
    }

    @Test
    void refusesAFileThatIsNotJson() {
        Path dir = TestTokenizers.modelDir(tmp, "[1, 2", null);

        assertRefused(dir).hasMessageStartingWith("%s is not a JSON object", dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesTwoTokensWithOneId() {
        Path dir = TestTokenizers.modelDir(tmp, edit(json, "\"b\": 98,", "\"b\": 97,"), null);

        assertRefused(dir).hasMessageMatching(".*: model\\.vocab gives id 97 to both [ab] and [ab]");
    }

    @Test
    void reportsWhatTheHuggingFaceLibraryRefuses() {
        // Valid JSON with a byte-level vocabulary, but a merge whose parts are not tokens.
        Path dir = TestTokenizers.modelDir(tmp, edit(json, "\"h e\",", "\"h q3\","), null);

        assertRefused(dir)
                .hasMessageStartingWith("Hugging Face tokenizers cannot load %s: ", dir.resolve("tokenizer.json"));
    }

    /** The loader's refusal of {@code dir}, a {@link TokenizerException}, for its message to be checked. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path dir) {
        return assertThatThrownBy(() -> MuninnTokenizer.load(dir)).isInstanceOf(TokenizerException.class);
    }

    private MuninnTokenizer load(String tokenizerJson, String tokenizerConfigJson) {
        return MuninnTokenizer.load(TestTokenizers.modelDir(tmp, tokenizerJson, tokenizerConfigJson));
    }
}
