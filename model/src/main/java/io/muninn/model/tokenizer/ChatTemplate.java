package io.muninn.model.tokenizer;

import static io.muninn.model.tokenizer.HuginnSpecialTokens.BEGIN_HEADER;
import static io.muninn.model.tokenizer.HuginnSpecialTokens.END_HEADER;
import static io.muninn.model.tokenizer.HuginnSpecialTokens.END_TEXT;
import static io.muninn.model.tokenizer.HuginnSpecialTokens.END_TURN;

import java.util.List;
import java.util.Objects;

/**
 * Huginn's chat template (the {@code chat_template} its converter pushes to the hub), written in Java:
 * for each message {@code <|begin_header|>ROLE<|end_header|>\n\nCONTENT<|end_turn|>}, with {@code bos_token}
 * before the first, ROLE {@code Huginn} for {@code assistant} and {@code Huginn}, CONTENT trimmed as Jinja's
 * {@code trim} (Python's {@code str.strip()}) trims; then {@code <|begin_header|>Huginn<|end_header|>\n\n} when a
 * generation prompt is wanted, else {@code <|end_text|>}:
 *
 * <pre>{@code
 * <|begin_text|><|begin_header|>system<|end_header|>\n\nYou are helpful.<|end_turn|><|begin_header|>user
 * <|end_header|>\n\nHi!<|end_turn|><|begin_header|>Huginn<|end_header|>\n\n
 * }</pre>
 *
 * <p>Special-token strings inside a message stay in the rendered text and become special ids when it is encoded,
 * as in the reference ({@code apply_chat_template} tokenizes the rendered string). Differences from the Jinja
 * template: an empty conversation is refused rather than rendered without {@code bos_token}.
 */
public final class ChatTemplate {

    /** The role name Huginn was trained with for its own turns. */
    public static final String ASSISTANT_ROLE = "Huginn";

    private final String bosToken;

    private ChatTemplate(String bosToken) {
        this.bosToken = bosToken;
    }

    /** The template with {@code bosToken} (e.g. {@code <|begin_text|>}) before the first message. */
    public static ChatTemplate huginn(String bosToken) {
        Objects.requireNonNull(bosToken, "bosToken");
        return new ChatTemplate(bosToken);
    }

    /**
     * The template for {@code tokenizer}'s {@code bos_token}, after checking that its vocabulary has every special
     * token the template writes (otherwise they would be encoded as plain text).
     *
     * @throws IllegalArgumentException naming the missing token and the tokenizer's directory
     */
    public static ChatTemplate forTokenizer(MuninnTokenizer tokenizer) {
        String bos = tokenizer.bosToken().orElseThrow(() -> new IllegalArgumentException(String.format(
                "The tokenizer of %s has no bos_token, which Huginn's chat template puts before the first message",
                tokenizer.directory())));
        for (String token : List.of(bos, BEGIN_HEADER, END_HEADER, END_TURN, END_TEXT)) {
            if (tokenizer.tokenId(token).isEmpty()) {
                throw new IllegalArgumentException(String.format(
                        "Huginn's chat template writes %s but the tokenizer of %s has no such token",
                        token, tokenizer.directory()));
            }
        }
        return new ChatTemplate(bos);
    }

    /**
     * Renders {@code messages}.
     *
     * @param addGenerationPrompt end with the header of a Huginn turn (to generate a reply) instead of {@code
     *                            <|end_text|>}
     * @throws IllegalArgumentException if {@code messages} is empty or holds a null
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("A chat needs at least one message but the list is empty");
        }
        StringBuilder out = new StringBuilder(bosToken);
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message == null) {
                throw new IllegalArgumentException(String.format("messages[%s] is null", i));
            }
            appendHeader(out, roleName(message.role()));
            out.append(JinjaTrim.trim(message.content())).append(END_TURN);
        }
        if (addGenerationPrompt) {
            appendHeader(out, ASSISTANT_ROLE);
        } else {
            out.append(END_TEXT);
        }
        return out.toString();
    }

    private static void appendHeader(StringBuilder out, String role) {
        out.append(BEGIN_HEADER).append(role).append(END_HEADER).append("\n\n");
    }

    private static String roleName(String role) {
        return role.equals("assistant") || role.equals(ASSISTANT_ROLE) ? ASSISTANT_ROLE : role;
    }
}
