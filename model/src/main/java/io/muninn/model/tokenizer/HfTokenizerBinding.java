package io.muninn.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Hugging Face tokenizers library (Rust, through DJL's JNI binding), configured to add nothing: no special
 * tokens from the post-processor, no truncation (DJL truncates to 512 tokens unless told not to), no padding.
 * This is the only class that references DJL; its static initializer sets {@link DjlNetworkGuard}'s properties
 * before any DJL class is initialized, and every load checks that the environment does not override them. Safe for concurrent {@code encode}/{@code decode}; {@link #close()} must not race with them.
 */
final class HfTokenizerBinding implements AutoCloseable {

    static {
        DjlNetworkGuard.apply();
    }

    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false");

    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizerBinding(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Builds the tokenizer from the text of a {@code tokenizer.json}; {@code source} only names it in errors. */
    static HfTokenizerBinding fromJson(String json, Path source) {
        DjlNetworkGuard.checkThisProcess();
        try {
            return new HfTokenizerBinding(HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), OPTIONS));
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException(e, "Hugging Face tokenizers cannot load %s: %s", source, e.getMessage());
        }
    }

    /** Ids of {@code text}; added-token strings in it become their ids, nothing else is added. */
    int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids} through the tokenizer's decoder; every id must exist. */
    String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
