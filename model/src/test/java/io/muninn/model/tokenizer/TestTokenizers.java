package io.muninn.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test tokenizer in {@code src/test/resources/tokenizer/byte-level-bpe} (see {@code make_test_tokenizer.py}):
 * ids 0..255 are the bytes, 256..277 the merges in rank order, 278..283 Huginn's special tokens.
 */
final class TestTokenizers {

    static final int BEGIN_TEXT = 278;
    static final int END_TEXT = 279;
    static final int BEGIN_HEADER = 280;
    static final int END_HEADER = 281;
    static final int END_TURN = 282;
    static final int PAD = 283;
    static final int VOCAB_SIZE = 284;

    private static MuninnTokenizer shared;

    private TestTokenizers() {}

    /** The model directory holding tokenizer.json and tokenizer_config.json. */
    static Path byteLevelBpeDir() {
        URL url = TestTokenizers.class.getResource("/tokenizer/byte-level-bpe/tokenizer.json");
        if (url == null) {
            throw new IllegalStateException("test resource /tokenizer/byte-level-bpe/tokenizer.json is missing");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One tokenizer for all read-only tests (loading the native library once keeps them fast); never closed. */
    static synchronized MuninnTokenizer shared() {
        if (shared == null) {
            shared = MuninnTokenizer.load(byteLevelBpeDir());
        }
        return shared;
    }

    static String tokenizerJson() {
        return read(byteLevelBpeDir().resolve("tokenizer.json"));
    }

    /** Writes a model directory under {@code root} with these files; a null text leaves the file out. */
    static Path modelDir(Path root, String tokenizerJson, String tokenizerConfigJson) {
        try {
            Path dir = Files.createTempDirectory(root, "model");
            if (tokenizerJson != null) {
                Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson, StandardCharsets.UTF_8);
            }
            if (tokenizerConfigJson != null) {
                Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfigJson, StandardCharsets.UTF_8);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
