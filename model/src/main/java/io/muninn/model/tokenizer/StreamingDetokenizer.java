package io.muninn.model.tokenizer;

import java.util.Objects;

/**
 * Turns one sequence's generated token ids, fed one at a time, into text pieces. A byte-level BPE token can end in
 * the middle of a UTF-8 character; its piece then holds only the characters it completed, and the token that
 * completes a character carries all of it. Bytes that can never form a character become U+FFFD as soon as that is
 * certain; {@link #flush()} at the end turns an unfinished character into U+FFFD.
 *
 * <p>The pieces of all tokens plus {@code flush()} concatenate to exactly {@link MuninnTokenizer#decode(int[],
 * boolean)} of the same ids with the same {@code skipSpecialTokens}. With {@link #skippingSpecialTokens} a special
 * token (e.g. the stop token {@code <|end_turn|>}) has an empty piece and leaves an unfinished character waiting;
 * with {@link #includingSpecialTokens} its piece is its text.
 *
 * <p>The state is a function of the ids fed so far: after a restore, feed the sequence's ids again. One instance
 * per sequence; not thread-safe.
 */
public final class StreamingDetokenizer {

    private final Vocabulary vocabulary;
    private final boolean skipSpecialTokens;
    private final Utf8StreamDecoder decoder = new Utf8StreamDecoder();

    private StreamingDetokenizer(MuninnTokenizer tokenizer, boolean skipSpecialTokens) {
        this.vocabulary = Objects.requireNonNull(tokenizer, "tokenizer").vocabulary();
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Special tokens contribute nothing, as {@code decode(ids, skip_special_tokens=True)}. */
    public static StreamingDetokenizer skippingSpecialTokens(MuninnTokenizer tokenizer) {
        return new StreamingDetokenizer(tokenizer, true);
    }

    /** Special tokens contribute their text, as {@code decode(ids, skip_special_tokens=False)}. */
    public static StreamingDetokenizer includingSpecialTokens(MuninnTokenizer tokenizer) {
        return new StreamingDetokenizer(tokenizer, false);
    }

    /**
     * Feeds the next token and returns the text it completed, possibly {@code ""}.
     *
     * @throws IllegalArgumentException naming the id and the vocabulary size if no token has this id; the state is
     *                                  then unchanged
     */
    public String accept(int tokenId) {
        byte[] bytes = vocabulary.bytes(tokenId);
        if (skipSpecialTokens && vocabulary.isSpecial(tokenId)) {
            return "";
        }
        return decoder.decode(bytes);
    }

    /** Ends the sequence: returns U+FFFD if an unfinished character is waiting, else {@code ""}. */
    public String flush() {
        return decoder.flush();
    }

    /** Whether the bytes of an unfinished character are waiting for the token that completes it. */
    public boolean hasPendingBytes() {
        return decoder.hasPendingBytes();
    }
}
