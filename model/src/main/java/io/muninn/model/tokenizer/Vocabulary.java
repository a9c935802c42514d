package io.muninn.model.tokenizer;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The tokens of a byte-level BPE by id: their vocabulary spelling, whether they are special, and the bytes they
 * stand for. Ids run from 0 to {@code size() - 1}; a tokenizer may leave ids unassigned, and using one is an error
 * just like using an id outside the range. Immutable.
 */
final class Vocabulary {

    private final Path source;
    private final String[] tokens;
    private final boolean[] special;
    private final byte[][] bytes;
    private final Map<String, Integer> ids;

    /**
     * @param source  the {@code tokenizer.json} the tokens come from, named in errors
     * @param tokens  spelling by id; {@code null} where an id is unassigned
     * @param special whether each id is a special added token
     * @param ids     id by spelling, added tokens taking precedence over model tokens as in Hugging Face
     */
    Vocabulary(Path source, String[] tokens, boolean[] special, Map<String, Integer> ids) {
        this.source = source;
        this.tokens = tokens.clone();
        this.special = special.clone();
        this.ids = Map.copyOf(ids);
        this.bytes = new byte[tokens.length][];
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null) {
                bytes[id] = ByteLevelAlphabet.bytesOf(tokens[id]);
            }
        }
    }

    int size() {
        return tokens.length;
    }

    Path source() {
        return source;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    String token(int id) {
        return tokens[checked(id)];
    }

    boolean isSpecial(int id) {
        return special[checked(id)];
    }

    /** The bytes token {@code id} stands for; the shared array, never to be modified. */
    byte[] bytes(int id) {
        return bytes[checked(id)];
    }

    /** Returns {@code id} if a token has it; otherwise fails naming the id and the vocabulary size. */
    int checked(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException(String.format(
                    "token id %s is outside the vocabulary (size %s) of %s: ids must be in [0, %s)",
                    id, tokens.length, source, tokens.length));
        }
        if (tokens[id] == null) {
            throw new IllegalArgumentException(String.format(
                    "token id %s is unassigned in the vocabulary of %s (size %s): no token has this id",
                    id, source, tokens.length));
        }
        return id;
    }
}
