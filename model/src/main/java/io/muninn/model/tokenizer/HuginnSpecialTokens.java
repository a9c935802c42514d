package io.muninn.model.tokenizer;

import java.util.List;

/**
 * The special tokens of Huginn's tokenizer by their text. Ids come from the tokenizer that is loaded;
 * in Huginn-0125 they are 65504 ({@code <|begin_text|>}), 65505, 65506 and 65507 (the headers, unconfirmed), 65508
 * ({@code <|end_turn|>}) and 65509 ({@code <|pad|>}).
 */
public final class HuginnSpecialTokens {

    /** Begins every document in pretraining; the chat template's {@code bos_token}. */
    public static final String BEGIN_TEXT = special("begin_text");
    /** Ends a text; the chat template ends a conversation without a generation prompt with it. */
    public static final String END_TEXT = special("end_text");
    public static final String BEGIN_HEADER = special("begin_header");
    public static final String END_HEADER = special("end_header");
    /** Ends a chat turn. */
    public static final String END_TURN = special("end_turn");
    public static final String PAD = special("pad");

    /**
     * Tokens at which the reference always stops generating ({@code _get_stops}: ids 65504, 65505, 65508), to
     * which it adds the generation config's {@code eos_token_id}.
     */
    public static final List<String> ALWAYS_STOP = List.of(BEGIN_TEXT, END_TEXT, END_TURN);

    private HuginnSpecialTokens() {}

    /** Huginn writes every special token as {@code <|name|>}. */
    private static String special(String name) {
        return "<|" + name + "|>";
    }
}
