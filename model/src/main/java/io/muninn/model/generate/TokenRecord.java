package io.muninn.model.generate;

import java.util.Arrays;

/**
 * The per-token record of one sequence, append-only: for each generated token its id, the recurrence steps it took
 * and the exit criterion's last value (NaN when no check ran), plus the running sum of the steps. A sequence holds
 * exactly one; the immutable values handed out ({@code SequenceProgress} for checkpoints, {@code SequenceOutcome}
 * and {@link GenerationResult} at the end) are copied from it once, when they are asked for, never per token.
 * Not thread-safe: the thread that steps the sequence owns it.
 */
public final class TokenRecord {
    private int[] tokens;
    private int[] exitSteps;
    private double[] criterionValues;
    private int size;
    private long stepsSpent;

    public TokenRecord() {
        this(new int[0], new int[0], new double[0]);
    }

    /** A record that starts from what a sequence already generated (a restore); the arrays are copied. */
    public TokenRecord(int[] tokens, int[] exitSteps, double[] criterionValues) {
        if (tokens.length != exitSteps.length || tokens.length != criterionValues.length) {
            throw new IllegalArgumentException(String.format(
                    "a token record needs one exit step and criterion value per token but has %s tokens, %s exit"
                            + " steps, %s values", tokens.length, exitSteps.length, criterionValues.length));
        }
        int capacity = Math.max(16, tokens.length * 2);
        this.tokens = Arrays.copyOf(tokens, capacity);
        this.exitSteps = Arrays.copyOf(exitSteps, capacity);
        this.criterionValues = Arrays.copyOf(criterionValues, capacity);
        this.size = tokens.length;
        for (int s : exitSteps) {
            stepsSpent += s;
        }
    }

    /** Appends one released token; amortized constant time. */
    public void append(int token, int exitStep, double criterionValue) {
        if (size == tokens.length) {
            int capacity = Math.max(16, size * 2);
            tokens = Arrays.copyOf(tokens, capacity);
            exitSteps = Arrays.copyOf(exitSteps, capacity);
            criterionValues = Arrays.copyOf(criterionValues, capacity);
        }
        tokens[size] = token;
        exitSteps[size] = exitStep;
        criterionValues[size] = criterionValue;
        size++;
        stepsSpent += exitStep;
    }

    public int size() {
        return size;
    }

    public int token(int index) {
        return tokens[check(index)];
    }

    public int exitStep(int index) {
        return exitSteps[check(index)];
    }

    public int lastToken() {
        return token(size - 1);
    }

    /** The sum of every token's exit step, kept as tokens are appended. */
    public long stepsSpent() {
        return stepsSpent;
    }

    /** A copy of the first {@code n} token ids. */
    public int[] tokens(int n) {
        return Arrays.copyOf(tokens, prefix(n));
    }

    /** A copy of the first {@code n} exit steps. */
    public int[] exitSteps(int n) {
        return Arrays.copyOf(exitSteps, prefix(n));
    }

    /** A copy of every token id. */
    public int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }

    /** A copy of every exit step. */
    public int[] exitSteps() {
        return Arrays.copyOf(exitSteps, size);
    }

    /** A copy of every criterion value. */
    public double[] criterionValues() {
        return Arrays.copyOf(criterionValues, size);
    }

    private int check(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("token index " + index + " of a record of " + size + " tokens");
        }
        return index;
    }

    private int prefix(int n) {
        if (n < 0 || n > size) {
            throw new IndexOutOfBoundsException("first " + n + " tokens of a record of " + size + " tokens");
        }
        return n;
    }
}
