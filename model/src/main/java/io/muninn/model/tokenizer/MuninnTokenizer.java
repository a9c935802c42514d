package io.muninn.model.tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The tokenizer of a Huginn-format model directory: its {@code tokenizer.json} run by the Hugging Face tokenizers
 * library (through DJL, so ids and text are exactly Hugging Face's), plus the optional {@code
 * tokenizer_config.json} for the special token strings. Only byte-level BPE tokenizers load.
 *
 * <pre>{@code
 * try (MuninnTokenizer tokenizer = MuninnTokenizer.load(Path.of("models/huginn-0125"))) {
 *     int[] ids = tokenizer.encode("The answer is 42.");
 *     String text = tokenizer.decode(ids);
 * }
 * }</pre>
 *
 * <p>Special tokens: {@code bos_token}, {@code eos_token} and {@code pad_token} come from {@code
 * tokenizer_config.json}; a missing key (or a missing file) falls back to Huginn's {@code <|begin_text|>}, {@code
 * <|end_text|>} and {@code <|pad|>} when the vocabulary has them, an explicit {@code null} means none, and a token
 * that is not in the vocabulary is an error.
 *
 * <p>Thread-safe: one instance serves every sequence. {@link #close()} frees the native tokenizer; no call may be in
 * flight or follow it.
 */
public final class MuninnTokenizer implements AutoCloseable {

    private static final int NONE = -1;

    private final Path directory;
    private final Vocabulary vocabulary;
    private final HfTokenizerBinding binding;
    private final String bosToken;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int endTurnId;
    private final List<Integer> stopIds;
    private final boolean addBosToken;
    private final String chatTemplateSource;
    private volatile boolean closed;

    private MuninnTokenizer(Path directory, Vocabulary vocabulary, TokenizerConfig config, HfTokenizerBinding binding) {
        this.directory = directory;
        this.vocabulary = vocabulary;
        this.binding = binding;
        Path configFile = directory.resolve(TokenizerConfig.FILE_NAME);
        this.bosToken = resolve(config.bosToken(), HuginnSpecialTokens.BEGIN_TEXT, "bos_token", configFile);
        this.bosId = idOrNone(bosToken);
        this.eosId = idOrNone(resolve(config.eosToken(), HuginnSpecialTokens.END_TEXT, "eos_token", configFile));
        this.padId = idOrNone(resolve(config.padToken(), HuginnSpecialTokens.PAD, "pad_token", configFile));
        this.endTurnId = idOrNone(HuginnSpecialTokens.END_TURN);
        TreeSet<Integer> stops = new TreeSet<>();
        HuginnSpecialTokens.ALWAYS_STOP.forEach(token -> vocabulary.id(token).ifPresent(stops::add));
        if (eosId != NONE) {
            stops.add(eosId);
        }
        this.stopIds = List.copyOf(stops);
        this.addBosToken = config.addBosToken();
        this.chatTemplateSource = config.chatTemplate();
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and, if present, {@code modelDir/tokenizer_config.json}.
     *
     * @throws TokenizerException when a file is missing, unreadable, not byte-level BPE, or names a special token
     *                            that is not in the vocabulary; the message names the file
     */
    public static MuninnTokenizer load(Path modelDir) {
        Objects.requireNonNull(modelDir, "modelDir");
        TokenizerJson json = TokenizerJson.read(modelDir);
        TokenizerConfig config = TokenizerConfig.read(modelDir);
        HfTokenizerBinding binding = HfTokenizerBinding.fromJson(json.text(), modelDir.resolve(TokenizerJson.FILE_NAME));
        try {
            return new MuninnTokenizer(modelDir, json.vocabulary(), config, binding);
        } catch (RuntimeException e) {
            binding.close();
            throw e;
        }
    }

    /**
     * The ids of {@code text}, exactly as Hugging Face's {@code encode(text, add_special_tokens=False)}: nothing is
     * prepended or appended, no truncation; special-token strings inside {@code text} become their ids.
     */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        return open().encode(text);
    }

    /** The text of {@code ids}, special tokens included as their strings: {@code decode(ids, false)}. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * The text of {@code ids}, exactly as Hugging Face's {@code decode(ids, skip_special_tokens)}: bytes that are
     * not valid UTF-8 become U+FFFD.
     *
     * @throws IllegalArgumentException naming the id and the vocabulary size if an id has no token
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        for (int id : ids) {
            vocabulary.checked(id);
        }
        return open().decode(ids, skipSpecialTokens);
    }

    /** One more than the highest token id: the ids are {@code 0 .. vocabSize() - 1}. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of a token by its vocabulary spelling (e.g. {@code "Ġthe"} for " the", or {@code "<|end_turn|>"}). */
    public OptionalInt tokenId(String token) {
        Objects.requireNonNull(token, "token");
        return vocabulary.id(token);
    }

    /** The vocabulary spelling of token {@code id}. */
    public String token(int id) {
        return vocabulary.token(id);
    }

    /** Whether {@code id} is a special added token ({@code "special": true} in {@code added_tokens}). */
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    /**
     * The raw bytes token {@code id} stands for, as the {@code ByteLevel} decoder maps it: a byte-level token's
     * characters mapped back to bytes (possibly a fragment of a UTF-8 character); a special token's text in UTF-8.
     * Concatenating the bytes of ids and decoding them as UTF-8 (lossy) gives {@code decode(ids)}.
     */
    public byte[] tokenBytes(int id) {
        return vocabulary.bytes(id).clone();
    }

    /** The text of {@code bos_token}, which the chat template puts before the first message. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    public OptionalInt bosTokenId() {
        return optional(bosId);
    }

    /** The id of {@code eos_token}; generation also stops at the others in {@link #stopTokenIds()}. */
    public OptionalInt eosTokenId() {
        return optional(eosId);
    }

    public OptionalInt padTokenId() {
        return optional(padId);
    }

    /** The id of {@code <|end_turn|>}, which ends a chat turn. */
    public OptionalInt endTurnTokenId() {
        return optional(endTurnId);
    }

    /**
     * The eos set, ascending: the reference's stop tokens {@code <|begin_text|>}, {@code <|end_text|>}, {@code
     * <|end_turn|>} (those in the vocabulary) and {@code eos_token}.
     */
    public List<Integer> stopTokenIds() {
        return stopIds;
    }

    /**
     * {@code add_bos_token} from {@code tokenizer_config.json} ({@code false} when missing). {@link #encode} never
     * adds a token; a caller building a plain-text prompt prepends {@link #bosTokenId()} when this is set.
     */
    public boolean addBosToken() {
        return addBosToken;
    }

    /** {@code chat_template} from {@code tokenizer_config.json}, for reference; {@link ChatTemplate} renders it. */
    public Optional<String> chatTemplateSource() {
        return Optional.ofNullable(chatTemplateSource);
    }

    /** The model directory this tokenizer was loaded from. */
    public Path directory() {
        return directory;
    }

    /** Frees the native tokenizer. Idempotent. */
    @Override
    public void close() {
        closed = true;
        binding.close();
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    private HfTokenizerBinding open() {
        if (closed) {
            throw new IllegalStateException("The tokenizer of " + directory + " is closed");
        }
        return binding;
    }

    /** The configured token, the Huginn default when the key is missing and the vocabulary has it, or null. */
    private String resolve(TokenizerConfig.Field field, String huginnDefault, String key, Path configFile) {
        if (!field.present()) {
            return vocabulary.id(huginnDefault).isPresent() ? huginnDefault : null;
        }
        if (field.token() != null && vocabulary.id(field.token()).isEmpty()) {
            throw new TokenizerException("%s: %s '%s' is not in the vocabulary of %s",
                    configFile, key, field.token(), vocabulary.source());
        }
        return field.token();
    }

    private int idOrNone(String token) {
        return token == null ? NONE : vocabulary.id(token).orElse(NONE);
    }

    private static OptionalInt optional(int id) {
        return id == NONE ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
