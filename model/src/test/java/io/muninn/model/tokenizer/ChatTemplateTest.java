package io.muninn.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {

    private final ChatTemplate template = ChatTemplate.forTokenizer(TestTokenizers.shared());

    @Test
    void rendersTheSpecsExample() {
        String system = "You are a helpful assistant that can assist users with mathematical reasoning.";
        String user = "What is 7 * 6?";

        String rendered = template.render(List.of(ChatMessage.system(system), ChatMessage.user(user)), true);

        // Huginn's chat template as rendered by its model card's notebook
        assertThat(rendered).isEqualTo("<|begin_text|><|begin_header|>system<|end_header|>\n\n" + system
                + "<|end_turn|><|begin_header|>user<|end_header|>\n\n" + user
                + "<|end_turn|><|begin_header|>Huginn<|end_header|>\n\n");
    }

    @Test
    void matchesJinjaOnRolesTrimmingAndTheEnding() {
        List<ChatMessage> messages = List.of(
                ChatMessage.user("  hi\u00A0\u0085\n"),
                ChatMessage.assistant("\u3000hello\u200B "),
                new ChatMessage("Huginn", "x"),
                new ChatMessage("tool", ""));

        // Rendered by jinja2 3.1.6 (trim_blocks, lstrip_blocks) from the chat_template in tokenizer_config.json.
        assertThat(template.render(messages, false)).isEqualTo("<|begin_text|><|begin_header|>user<|end_header|>\n\n"
                + "hi<|end_turn|><|begin_header|>Huginn<|end_header|>\n\nhello\u200B<|end_turn|>"
                + "<|begin_header|>Huginn<|end_header|>\n\nx<|end_turn|><|begin_header|>tool<|end_header|>\n\n"
                + "<|end_turn|><|end_text|>");
    }

    @Test
    void rolesAreCaseSensitiveAsInTheTemplate() {
        String rendered = template.render(List.of(new ChatMessage("Assistant", "a")), true);

        assertThat(rendered).startsWith("<|begin_text|><|begin_header|>Assistant<|end_header|>");
    }

    @Test
    void encodesToSpecialTokenIdsAndBytePairs() {
        MuninnTokenizer tokenizer = TestTokenizers.shared();
        String rendered = template.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("hello world")),
                true);

        // From make_test_tokenizer.py --ids: "system" and "Huginn" stay bytes, "\n\n" is merge 274.
        assertThat(tokenizer.encode(rendered)).containsExactly(
                278, 280, 's', 'y', 's', 't', 'e', 'm', 281, 274, 'B', 'e', ' ', 'b', 'r', 'i', 'e', 'f', '.', 282,
                280, 'u', 's', 'e', 'r', 281, 274, 259, 264, 282,
                280, 'H', 'u', 'g', 'i', 'n', 'n', 281, 274);
    }

    @Test
    void rendersWithAGivenBosToken() {
        String rendered = ChatTemplate.huginn("<s>").render(List.of(ChatMessage.user("a"), ChatMessage.user("b")),
                false);

        assertThat(rendered).isEqualTo("<s><|begin_header|>user<|end_header|>\n\na<|end_turn|>"
                + "<|begin_header|>user<|end_header|>\n\nb<|end_turn|><|end_text|>");
    }

    @Test
    void refusesMessagesWithoutRoleOrContent() {
        assertThatThrownBy(() -> new ChatMessage(" ", "hi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A chat message's role must be a non-blank string such as user, system or assistant but"
                        + " was ' '");
        assertThatThrownBy(() -> new ChatMessage(null, "hi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A chat message's role must be a non-blank string such as user, system or assistant but"
                        + " was null");
        assertThatThrownBy(() -> ChatMessage.user(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The content of a chat message must not be null (role 'user'); use \"\" for an empty"
                        + " message");
    }

    @Test
    void refusesAnEmptyConversationOrANullMessage() {
        assertThatThrownBy(() -> template.render(List.of(), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A chat needs at least one message but the list is empty");
        assertThatThrownBy(() -> template.render(Arrays.asList(ChatMessage.user("a"), null), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("messages[1] is null");
    }

    @Test
    void needsATokenizerWithABosToken(@TempDir Path tmp) {
        Path dir = TestTokenizers.modelDir(tmp, TestTokenizers.tokenizerJson(), "{\"bos_token\": null}");
        try (MuninnTokenizer tokenizer = MuninnTokenizer.load(dir)) {
            assertThatThrownBy(() -> ChatTemplate.forTokenizer(tokenizer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("The tokenizer of %s has no bos_token, which Huginn's chat template puts before the"
                            + " first message", dir);
        }
    }

    @Test
    void needsATokenizerWithTheHeaderTokens(@TempDir Path tmp) {
        String json = TestTokenizers.tokenizerJson().replace("<|begin_header|>", "<|begin_head|>");
        Path dir = TestTokenizers.modelDir(tmp, json, null);
        try (MuninnTokenizer tokenizer = MuninnTokenizer.load(dir)) {
            assertThatThrownBy(() -> ChatTemplate.forTokenizer(tokenizer))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Huginn's chat template writes <|begin_header|> but the tokenizer of %s has no such"
                            + " token", dir);
        }
    }
}
