package io.muninn.model.tokenizer;

import static io.muninn.model.tokenizer.TestTokenizers.BEGIN_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_HEADER;
import static io.muninn.model.tokenizer.TestTokenizers.END_TEXT;
import static io.muninn.model.tokenizer.TestTokenizers.END_TURN;
import static io.muninn.model.tokenizer.TestTokenizers.PAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aMissingTokenizerJsonNamesThePath() {
        Path dir = TestTokenizers.modelDir(tmp, null, null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("No tokenizer.json at %s: a model directory needs the tokenizer.json of its Hugging Face"
                        + " repository", dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesAFileThatIsNotJson() {
        Path dir = TestTokenizers.modelDir(tmp, "[1, 2", null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith("%s is not a JSON object", dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesTokenizersThatAreNotByteLevel() {
        String metaspace = json.replace(
                "\"decoder\": {\n  \"type\": \"ByteLevel\"", "\"decoder\": {\n  \"type\": \"Metaspace\"");
        assertThat(metaspace).isNotEqualTo(json);
        Path dir = TestTokenizers.modelDir(tmp, metaspace, null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: decoder.type must be ByteLevel but was Metaspace; Muninn streams text by mapping"
                        + " byte-level BPE tokens back to bytes", dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesModelsOtherThanBpe() {
        String wordPiece = json.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\"");
        Path dir = TestTokenizers.modelDir(tmp, wordPiece, null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: model.type must be BPE (byte-level BPE) but was WordPiece",
                        dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesTwoTokensWithOneId() {
        String duplicate = json.replace("\"b\": 98,", "\"b\": 97,");
        Path dir = TestTokenizers.modelDir(tmp, duplicate, null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageMatching(".*: model\\.vocab gives id 97 to both [ab] and [ab]");
    }

    @Test
    void refusesNegativeIds() {
        Path dir = TestTokenizers.modelDir(tmp, json.replace("\"id\": 283,", "\"id\": -3,"), null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: added_tokens[5].id must be a token id in [0, 16777215] but was -3",
                        dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesAConfiguredTokenThatIsNotInTheVocabulary() {
        Path dir = TestTokenizers.modelDir(tmp, json, "{\"eos_token\": \"</s>\"}");

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: eos_token '</s>' is not in the vocabulary of %s",
                        dir.resolve("tokenizer_config.json"), dir.resolve("tokenizer.json"));
    }

    @Test
    void refusesMalformedConfigValues() {
        Path flag = TestTokenizers.modelDir(tmp, json, "{\"add_bos_token\": \"yes\"}");
        Path token = TestTokenizers.modelDir(tmp, json, "{\"pad_token\": 283}");

        assertThatThrownBy(() -> MuninnTokenizer.load(flag))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: add_bos_token must be true or false but was \"yes\"",
                        flag.resolve("tokenizer_config.json"));
        assertThatThrownBy(() -> MuninnTokenizer.load(token))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("%s: pad_token must be a token string or an object with a content string but was 283",
                        token.resolve("tokenizer_config.json"));
    }

    @Test
    void reportsWhatTheHuggingFaceLibraryRefuses() {
        // Valid JSON with a byte-level vocabulary, but a merge whose parts are not tokens.
        String badMerge = json.replace("\"h e\",", "\"h q3\",");
        Path dir = TestTokenizers.modelDir(tmp, badMerge, null);

        assertThatThrownBy(() -> MuninnTokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith("Hugging Face tokenizers cannot load %s: ", dir.resolve("tokenizer.json"));
    }

    private MuninnTokenizer load(String tokenizerJson, String tokenizerConfigJson) {
        return MuninnTokenizer.load(TestTokenizers.modelDir(tmp, tokenizerJson, tokenizerConfigJson));
    }
}
