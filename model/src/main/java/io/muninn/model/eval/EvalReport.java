package io.muninn.model.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Accuracy against fixed recurrence depth and under an exit criterion, and the paper's claims
 * about them: accuracy rises with depth and then saturates; the exit criterion stays within one point of the best fixed
 * depth with fewer mean steps; and its mean steps grow with difficulty.
 *
 * <p>Steps compared are per <em>decoded</em> token when the prefill never exits early (paper-era code, the default):
 * the first answer token then always runs {@code max_steps}. With {@code exitInPrefill} (the reference's current
 * default) the prefill exits on its last position like any token, and every answer token is compared.
 * {@link LevelStats#meanSteps()} counts every answer token either way.
 *
 * @param fixed     per fixed depth (iterations per token), ascending
 * @param criterion the exit criterion's name, e.g. {@code kl}
 * @param threshold its threshold
 * @param maxSteps  the criterion's step cap
 * @param adaptive  the results under the criterion
 * @param exitInPrefill whether the criterion could end the prefill (which produces the first answer token)
 */
public record EvalReport(SortedMap<Integer, SettingSummary> fixed, String criterion, double threshold, int maxSteps,
        SettingSummary adaptive, boolean exitInPrefill) {

    /** One accuracy point, the tolerance of "within one point" and of "saturates". */
    public static final double ONE_POINT = 0.01;
    private static final double EPS = 1e-9;

    public EvalReport {
        fixed = Collections.unmodifiableSortedMap(new TreeMap<>(fixed));
    }

    public enum Verdict { HOLDS, FAILS, UNTESTED }

    /** One claim, its verdict and the numbers behind it. */
    public record Claim(String name, Verdict verdict, String detail) {}

    public List<Claim> claims() {
        return List.of(saturation(), exitMatchesBestDepth(), stepsGrowWithDifficulty());
    }

    /** The smallest fixed depth with the highest overall accuracy. */
    public int bestDepth() {
        int best = -1;
        double acc = -1;
        for (var e : fixed.entrySet()) {
            if (e.getValue().overall().accuracy() > acc + EPS) {
                acc = e.getValue().overall().accuracy();
                best = e.getKey();
            }
        }
        return best;
    }

    private Claim saturation() {
        String name = "accuracy rises with depth, then saturates";
        if (fixed.size() < 3) {
            return new Claim(name, Verdict.UNTESTED, "needs at least three fixed depths but has " + fixed.keySet());
        }
        List<Integer> depths = new ArrayList<>(fixed.keySet());
        int best = bestDepth();
        double top = acc(best);
        int first = depths.get(0);
        int last = depths.get(depths.size() - 1);
        if (top - acc(first) <= ONE_POINT + EPS) {
            return new Claim(name, Verdict.FAILS, String.format(Locale.ROOT,
                    "does not rise: r=%d already reaches %s, within one point of the best %s (r=%d)",
                    first, pct(acc(first)), pct(top), best));
        }
        int plateau = -1;
        for (int r : depths) {
            if (acc(r) >= top - ONE_POINT - EPS) {
                plateau = r;
                break;
            }
        }
        for (int r : depths) {
            if (r > plateau && acc(r) < top - ONE_POINT - EPS) {
                return new Claim(name, Verdict.FAILS, String.format(Locale.ROOT,
                        "does not saturate: falls to %s at r=%d, more than one point below the best %s (r=%d)",
                        pct(acc(r)), r, pct(top), best));
            }
        }
        if (plateau == last) {
            return new Claim(name, Verdict.FAILS, String.format(Locale.ROOT,
                    "does not saturate: only the largest depth r=%d comes within one point of the best %s", last, pct(top)));
        }
        return new Claim(name, Verdict.HOLDS, String.format(Locale.ROOT,
                "%s at r=%d, %s at r=%d (best), within one point of the best from r=%d to r=%d",
                pct(acc(first)), first, pct(top), best, plateau, last));
    }

    private Claim exitMatchesBestDepth() {
        String name = String.format(Locale.ROOT, "%s exit at %s within one point of the best fixed depth with fewer mean steps",
                criterion, Double.toString(threshold).replace(".0E", "E").replace("E", "e"));
        if (fixed.isEmpty()) {
            return new Claim(name, Verdict.UNTESTED, "needs at least one fixed depth");
        }
        int best = bestDepth();
        double top = acc(best);
        double exitAcc = adaptive.overall().accuracy();
        double steps = comparedSteps(adaptive.overall());
        boolean within = exitAcc >= top - ONE_POINT - EPS;
        boolean fewer = steps < best;
        String other = exitInPrefill
                ? String.format(Locale.ROOT, "the prefill exits too; %.2f per decoded token", decoded(adaptive.overall()))
                : String.format(Locale.ROOT, "%.2f per answer token counting the prefill's, which runs %d",
                        adaptive.overall().meanSteps(), maxSteps);
        String detail = String.format(Locale.ROOT, "%s vs %s at r=%d (%+.1f points); %.2f mean steps per %s token vs %d (%s)",
                pct(exitAcc), pct(top), best, 100 * (exitAcc - top), steps, exitInPrefill ? "answer" : "decoded", best, other);
        if (!within) {
            detail = "accuracy more than one point below the best: " + detail;
        } else if (!fewer) {
            detail = "no fewer mean steps than the best depth: " + detail;
        }
        return new Claim(name, within && fewer ? Verdict.HOLDS : Verdict.FAILS, detail);
    }

    private Claim stepsGrowWithDifficulty() {
        String name = String.format(Locale.ROOT, "%s mean steps grow with difficulty", criterion);
        Map<Integer, Double> steps = new LinkedHashMap<>();
        adaptive.byDifficulty().forEach((d, s) -> steps.put(d, comparedSteps(s)));
        List<String> parts = new ArrayList<>();
        steps.forEach((d, s) -> parts.add(String.format(Locale.ROOT, "%d: %.2f", d, s)));
        String values = (exitInPrefill ? "per answer token" : "per decoded token") + " by difficulty " + String.join(", ", parts);
        if (steps.size() < 2) {
            return new Claim(name, Verdict.UNTESTED, "needs at least two difficulty levels; " + values);
        }
        Integer previous = null;
        for (int d : steps.keySet()) {
            if (previous != null && steps.get(d) < steps.get(previous)) {
                return new Claim(name, Verdict.FAILS, String.format(Locale.ROOT,
                        "falls from level %d (%.2f) to level %d (%.2f); %s", previous, steps.get(previous), d,
                        steps.get(d), values));
            }
            previous = d;
        }
        List<Integer> levels = new ArrayList<>(steps.keySet());
        int lo = levels.get(0);
        int hi = levels.get(levels.size() - 1);
        if (!(steps.get(hi) > steps.get(lo))) {
            return new Claim(name, Verdict.FAILS, "flat: " + values);
        }
        return new Claim(name, Verdict.HOLDS, "non-decreasing, " + values);
    }

    private double acc(int depth) {
        return fixed.get(depth).overall().accuracy();
    }

    /**
     * The steps the claims compare: per answer token when the prefill can exit; otherwise per decoded token, or per
     * token when no example decoded one (one-token answers).
     */
    private double comparedSteps(LevelStats s) {
        return exitInPrefill ? s.meanSteps() : decoded(s);
    }

    private static double decoded(LevelStats s) {
        return Double.isNaN(s.meanStepsDecoded()) ? s.meanSteps() : s.meanStepsDecoded();
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
