package io.muninn.model.engine;

/**
 * What a forward call ({@link StepEntry}) is, fixed when it is made, with the data only that kind has. The kind
 * says which rows' logits the call produces, whether its rows are prompt positions, whether its exit criterion is
 * checked, and whether its exit latent is where a warm-started next token begins; {@link ExitRule} reads it to
 * decide the exit. The rules of all four kinds stand together below.
 */
public sealed interface EntryKind {

    /** A chunk of the prompt. Only the last chunk produces logits and may exit early; earlier ones run max_steps. */
    record PrefillChunk(boolean last) implements EntryKind {}

    /** One decode row: the last sampled token enters the model, the logits of that row come out. */
    record Decode() implements EntryKind {
        static final Decode ROW = new Decode();
    }

    /**
     * A re-run of a call whose exit step was recorded (replay, model/README.md "Replay"): no checks, no logits, exits
     * at {@code exitStep}, rebuilding exactly the KV entries the original call wrote. {@code ofPrompt}: the original
     * call was a prefill chunk, so its s0 is drawn (a replayed decode row may start warm).
     */
    record Replay(boolean ofPrompt, int exitStep) implements EntryKind {}

    /** A fresh forward with exactly {@code steps} recurrence steps, no checks, the logits of every row. */
    record FixedDepth(int steps) implements EntryKind {}

    /** How many of a call's {@code rows} rows (its last ones) produce logits at exit. */
    default int logitRows(int rows) {
        if (this instanceof FixedDepth) {
            return rows;
        }
        return checksCriterion() ? 1 : 0; // a decode row or the prompt's last chunk: the last row
    }

    /** Whether the exit criterion may be checked at all (the policy then says after which iterations). */
    default boolean checksCriterion() {
        return this instanceof Decode || this instanceof PrefillChunk p && p.last();
    }

    /** Whether the rows are prompt positions: s0 is always drawn for them, and {@code exit_in_prefill} applies. */
    default boolean prompt() {
        return !(this instanceof Decode || this instanceof Replay r && !r.ofPrompt());
    }

    /**
     * Whether, with warm start, the call's last-row exit latent becomes the sequence's warm-start latent: every call
     * but a prompt chunk that is not the last (the last chunk's latent follows it).
     */
    default boolean setsWarmLatent() {
        return !(this instanceof PrefillChunk p && !p.last());
    }
}
