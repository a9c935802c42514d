package io.muninn.model.tokenizer;

/**
 * One message of a conversation for {@link ChatTemplate}.
 *
 * @param role    who speaks: {@code system}, {@code user}, {@code assistant} or {@code Huginn} (both rendered as
 *                {@code Huginn}), or any other non-blank name, rendered as given
 * @param content what is said; the template trims surrounding whitespace
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException(String.format(
                    "A chat message's role must be a non-blank string such as user, system or assistant but was %s",
                    role == null ? "null" : "'" + role + "'"));
        }
        if (content == null) {
            throw new IllegalArgumentException(String.format(
                    "The content of a chat message must not be null (role '%s'); use \"\" for an empty message", role));
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
