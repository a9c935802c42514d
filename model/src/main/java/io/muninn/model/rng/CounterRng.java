package io.muninn.model.rng;

import java.util.Arrays;

/**
 * Muninn's counter-based random numbers: every draw is a pure function of (request seed, stream, position, index),
 * never of a shared generator, so a sequence's output depends neither on its batch-mates nor on chunking, arrival
 * order or restarts. This class reproduces {@code tools/reference/muninn_rng.py} bit for bit (golden vectors in
 * {@code src/test/resources/golden/rng-vectors.json}):
 *
 * <pre>
 * h0 = mix64(seed XOR (stream * GOLDEN))      arithmetic modulo 2^64, seed as unsigned 64-bit
 * h1 = mix64(h0 + position)
 * h2 = mix64(h1 + index)
 * uniform = ((h2 &gt;&gt;&gt; 11) + 0.5) * 2^-53
 * </pre>
 *
 * <p>Java's {@code long} arithmetic wraps exactly like the reference's masked integers, so signed and unsigned
 * seeds with the same 64 bits draw the same numbers. The {@code + 0.5} is a double addition that rounds half to
 * even, as in the reference; for the largest {@code h2 >>> 11} it rounds to {@code 2^53}, so {@code uniform}
 * returns 1.0 with probability 2^-53 (and is never 0).
 */
public final class CounterRng {
    /** Stream of the initial recurrent state s0. */
    public static final int STREAM_STATE = 1;
    /** Stream of the token sampling draws. */
    public static final int STREAM_SAMPLE = 2;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
    /** Φ(-3): the lower end of the truncated normal in probability space. */
    private static final double PHI_LO = 0.0013498980316300946;
    /** Φ(3), computed as in the reference. */
    private static final double PHI_HI = 1.0 - PHI_LO;

    private CounterRng() {
    }

    /** SplitMix64's finaliser. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The uniform draw of (seed, stream, position, index), in (0, 1]; see the class comment. */
    public static double uniform(long seed, int stream, long position, long index) {
        long h = mix64(seed ^ (stream * GOLDEN));
        h = mix64(h + position);
        h = mix64(h + index);
        return ((h >>> 11) + 0.5) * TWO_POW_MINUS_53;
    }

    /**
     * The inverse of the standard normal CDF, Wichura's algorithm AS241 (PPND16), in double precision with the
     * reference's evaluation order and {@link StrictMath} so that every JVM returns the same bits.
     */
    public static double ndtri(double p) {
        double q = p - 0.5;
        if (Math.abs(q) <= 0.425) {
            double r = 0.180625 - q * q;
            double num = (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                    + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                    + 133.14166789178437745) * r + 3.387132872796366608);
            double den = (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                    + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                    + 42.313330701600911252) * r + 1.0);
            return q * num / den;
        }
        double r = q < 0 ? p : 1.0 - p;
        r = StrictMath.sqrt(-StrictMath.log(r));
        double num;
        double den;
        if (r <= 5.0) {
            r -= 1.6;
            num = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                    + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                    + 4.6303378461565452959) * r + 1.42343711074968357734);
            den = (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                    + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                    + 2.05319162663775882187) * r + 1.0);
        } else {
            r -= 5.0;
            num = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                    + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                    + 5.4637849111641143699) * r + 6.6579046435011037772);
            den = (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                    + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                    + 0.59983220655588793769) * r + 1.0);
        }
        double val = num / den;
        return q < 0 ? -val : val;
    }

    /** A standard normal truncated to [-3, 3], drawn from the state stream at (seed, position, index). */
    public static double truncatedNormal(long seed, long position, long index) {
        double u = uniform(seed, STREAM_STATE, position, index);
        return ndtri(PHI_LO + u * (PHI_HI - PHI_LO));
    }

    /**
     * Writes the initial state s0 of the row at absolute position {@code position} (Huginn's "like-init": a truncated normal scaled by the embedding scale) into
     * {@code out[offset .. offset + hidden)}: element {@code h} is
     * {@code float32((truncatedNormal(seed, position, h) * (initStd * initScale)) * embedScale)}, evaluated in
     * double, and exactly zero when {@code initScale == 0}.
     *
     * @param initStd    {@code init_values.std} of the config
     * @param initScale  the request's init scale (1.0 for the model's own initialisation, 0.0 for zeros)
     * @param embedScale {@code init_values.embed_scale} of the config
     */
    public static void initialStateRow(long seed, long position, double initStd, double initScale, double embedScale,
            float[] out, int offset, int hidden) {
        if (hidden < 0) {
            throw new IllegalArgumentException("hidden must be >= 0 but was " + hidden);
        }
        if (offset < 0 || offset > out.length - hidden) {
            throw new IllegalArgumentException(String.format(
                    "row [%s, %s) does not fit in out of length %s", offset, (long) offset + hidden, out.length));
        }
        if (initScale == 0.0) {
            Arrays.fill(out, offset, offset + hidden, 0.0f);
            return;
        }
        double sigma = initStd * initScale;
        for (int h = 0; h < hidden; h++) {
            out[offset + h] = (float) ((truncatedNormal(seed, position, h) * sigma) * embedScale);
        }
    }
}
