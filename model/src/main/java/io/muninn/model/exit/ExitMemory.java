package io.muninn.model.exit;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an {@link ExitCriterion} remembers between the checks of one in-flight token: a small mutable value that lives
 * from {@link ExitCriterion#start} (or {@link ExitCriterion#startBatched}) to the token's exit. Each criterion uses
 * only the fields it needs and leaves the others at their empty values; outside this package it is opaque but for the
 * latest value and the number of checks.
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><th>field</th><th>used by</th><th>empty value</th><th>meaning</th></tr>
 *   <tr><td>{@code previousLogProbs}</td><td>kl, minp-kl</td><td>null</td>
 *       <td>float64 log-probabilities (length V) of the previous check, or uniform {@code log(1/V)}</td></tr>
 *   <tr><td>{@code previousProbs}</td><td>kl checked in batches ({@link BatchedKl})</td><td>null</td>
 *       <td>float64 probabilities (length V) of the previous check, or uniform {@code 1/V}; with the previous
 *       entropy in {@code previousScalar}</td></tr>
 *   <tr><td>{@code previousLatents}</td><td>latent-diff, cosine (checked one by one; checked in batches, the
 *       caller keeps them where the outputs lie)</td><td>null</td>
 *       <td>raw core outputs of the previous check, row-major {@code rows x hidden}, or s0</td></tr>
 *   <tr><td>{@code previousScalar}</td><td>entropy-diff</td><td>NaN</td>
 *       <td>entropy of the previous check, or 100.0</td></tr>
 *   <tr><td>{@code previousArgmax}</td><td>argmax-stability</td><td>-1</td>
 *       <td>argmax of the previous check's logits, or -1</td></tr>
 *   <tr><td>{@code stableCount}</td><td>argmax-stability</td><td>0</td>
 *       <td>consecutive checks whose argmax equalled the previous one</td></tr>
 *   <tr><td>{@code lastValue}</td><td>all</td><td>NaN</td><td>value of the latest check; NaN before the first</td></tr>
 *   <tr><td>{@code checks}</td><td>all</td><td>0</td><td>number of checks evaluated so far</td></tr>
 * </table>
 *
 * <p>The copy constructor copies the arrays. Not thread-safe.
 */
public final class ExitMemory {
    // the fields of the table above, read and written by the criteria of this package
    double[] previousLogProbs;
    double[] previousProbs;
    float[] previousLatents;
    double previousScalar = Double.NaN;
    int previousArgmax = -1;
    int stableCount;
    private double lastValue = Double.NaN;
    private int checks;

    /** An empty memory: every field at its empty value (see the class comment). */
    public ExitMemory() {
    }

    /** A deep copy of {@code other}. */
    public ExitMemory(ExitMemory other) {
        this.previousLogProbs = other.previousLogProbs == null ? null : other.previousLogProbs.clone();
        this.previousProbs = other.previousProbs == null ? null : other.previousProbs.clone();
        this.previousLatents = other.previousLatents == null ? null : other.previousLatents.clone();
        this.previousScalar = other.previousScalar;
        this.previousArgmax = other.previousArgmax;
        this.stableCount = other.stableCount;
        this.lastValue = other.lastValue;
        this.checks = other.checks;
    }

    public double getLastValue() {
        return lastValue;
    }

    public int getChecks() {
        return checks;
    }

    /** Records the outcome of one check: its value, and one more check. */
    void recordCheck(double value) {
        this.lastValue = value;
        this.checks++;
    }

    /** Field-wise equality; arrays by content, doubles by bits (so NaN equals NaN). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ExitMemory)) {
            return false;
        }
        ExitMemory that = (ExitMemory) o;
        return Arrays.equals(previousLogProbs, that.previousLogProbs)
                && Arrays.equals(previousProbs, that.previousProbs)
                && Arrays.equals(previousLatents, that.previousLatents)
                && Double.compare(previousScalar, that.previousScalar) == 0
                && previousArgmax == that.previousArgmax
                && stableCount == that.stableCount
                && Double.compare(lastValue, that.lastValue) == 0
                && checks == that.checks;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(previousScalar, previousArgmax, stableCount, lastValue, checks);
        h = 31 * h + Arrays.hashCode(previousLogProbs);
        h = 31 * h + Arrays.hashCode(previousProbs);
        return 31 * h + Arrays.hashCode(previousLatents);
    }

    @Override
    public String toString() {
        return "ExitMemory{previousLogProbs=" + lengthOf(previousLogProbs)
                + ", previousLatents=" + lengthOf(previousLatents)
                + ", previousScalar=" + previousScalar
                + ", previousArgmax=" + previousArgmax
                + ", stableCount=" + stableCount
                + ", lastValue=" + lastValue
                + ", checks=" + checks + '}';
    }

    private static String lengthOf(float[] array) {
        return array == null ? "null" : "float[" + array.length + "]";
    }

    private static String lengthOf(double[] array) {
        return array == null ? "null" : "double[" + array.length + "]";
    }
}
