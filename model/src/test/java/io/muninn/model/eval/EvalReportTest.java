package io.muninn.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.eval.EvalReport.Claim;
import io.muninn.model.eval.EvalReport.Verdict;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The paper's three claims, judged from synthetic numbers. */
class EvalReportTest {

    private static SettingSummary accuracy(double acc) {
        LevelStats s = new LevelStats(100, acc, 1, 1);
        return new SettingSummary(s, new TreeMap<>(Map.of(1, s)));
    }

    /** An exit criterion with {@code acc} overall and the given mean steps per decoded token at levels 1, 2, 3. */
    private static SettingSummary exit(double acc, double... stepsByLevel) {
        TreeMap<Integer, LevelStats> levels = new TreeMap<>();
        double sum = 0;
        for (int d = 0; d < stepsByLevel.length; d++) {
            levels.put(d + 1, new LevelStats(10, acc, 12, stepsByLevel[d]));
            sum += stepsByLevel[d];
        }
        return new SettingSummary(new LevelStats(10 * stepsByLevel.length, acc, 12, sum / stepsByLevel.length), levels);
    }

    private static EvalReport report(double[] accByDepth, SettingSummary adaptive) {
        int[] depths = {1, 2, 4, 8, 16, 32};
        TreeMap<Integer, SettingSummary> fixed = new TreeMap<>();
        for (int i = 0; i < accByDepth.length; i++) {
            fixed.put(depths[i], accuracy(accByDepth[i]));
        }
        return new EvalReport(fixed, "kl", 5e-4, 32, adaptive, false);
    }

    @Test
    void allThreeHoldWhenAccuracySaturatesAndTheExitIsCheapAndGraded() {
        EvalReport r = report(new double[] {0.20, 0.55, 0.90, 0.95, 0.95, 0.945}, exit(0.943, 2.0, 3.5, 5.0));
        assertThat(r.bestDepth()).isEqualTo(8);
        List<Claim> claims = r.claims();
        assertThat(claims).extracting(Claim::verdict).containsExactly(Verdict.HOLDS, Verdict.HOLDS, Verdict.HOLDS);
        assertThat(claims.get(0).detail()).isEqualTo("20.0% at r=1, 95.0% at r=8 (best), within one point of the best from r=8 to r=32");
        assertThat(claims.get(1).name()).isEqualTo("kl exit at 5e-4 within one point of the best fixed depth with fewer mean steps");
        assertThat(claims.get(1).detail()).startsWith("94.3% vs 95.0% at r=8 (-0.7 points); 3.50 mean steps per decoded token vs 8");
        assertThat(claims.get(2).detail()).isEqualTo("non-decreasing, per decoded token by difficulty 1: 2.00, 2: 3.50, 3: 5.00");
    }

    @Test
    void withExitInPrefillEveryAnswerTokenIsCompared() {
        // per answer token (meanSteps) rather than per decoded token (2.00 at every level here)
        TreeMap<Integer, LevelStats> levels = new TreeMap<>();
        levels.put(1, new LevelStats(10, 0.95, 2.5, 2.0));
        levels.put(2, new LevelStats(10, 0.95, 4.0, 2.0));
        SettingSummary adaptive = new SettingSummary(new LevelStats(20, 0.95, 3.25, 2.0), levels);
        TreeMap<Integer, SettingSummary> fixed = new TreeMap<>(Map.of(1, accuracy(0.2), 4, accuracy(0.9), 8, accuracy(0.95)));
        List<Claim> claims = new EvalReport(fixed, "kl", 5e-4, 32, adaptive, true).claims();
        assertThat(claims.get(1).detail()).isEqualTo(
                "95.0% vs 95.0% at r=8 (+0.0 points); 3.25 mean steps per answer token vs 8 (the prefill exits too; 2.00 per decoded token)");
        assertThat(claims.get(2).verdict()).isEqualTo(Verdict.HOLDS);
        assertThat(claims.get(2).detail()).isEqualTo("non-decreasing, per answer token by difficulty 1: 2.50, 2: 4.00");
        assertThat(new EvalReport(fixed, "kl", 5e-4, 32, adaptive, false).claims().get(2).verdict())
                .as("the same numbers per decoded token are flat").isEqualTo(Verdict.FAILS);
    }

    /** Numbers under which one claim (0: saturation, 1: the exit, 2: steps grow with difficulty) fails. */
    static Stream<Arguments> failingClaims() {
        double[] saturated = {0.2, 0.6, 0.9, 0.9, 0.9, 0.9};
        return Stream.of(
                Arguments.of("accuracy that falls after its peak", new double[] {0.2, 0.6, 0.9, 0.8, 0.7, 0.7},
                        exit(0.9, 1, 2, 3), 0, "does not saturate: falls to 80.0% at r=8, more than one point below"
                                + " the best 90.0% (r=4)"),
                Arguments.of("accuracy still rising at the largest depth", new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6},
                        exit(0.6, 1, 2, 3), 0, "does not saturate: only the largest depth r=32 comes within one point"
                                + " of the best 60.0%"),
                Arguments.of("flat accuracy", new double[] {0.5, 0.5, 0.505, 0.5, 0.5, 0.5}, exit(0.5, 1, 2, 3), 0,
                        "does not rise: r=1 already reaches 50.0%, within one point of the best 50.5% (r=4)"),
                Arguments.of("an exit more than one point below the best", saturated, exit(0.889, 1, 2, 3), 1,
                        "accuracy more than one point below the best: 88.9% vs 90.0% at r=4 (-1.1 points); 2.00 mean"
                                + " steps per decoded token vs 4 (12.00 per answer token counting the prefill's, which"
                                + " runs 32)"),
                Arguments.of("an exit no cheaper than the best depth", saturated, exit(0.9, 3, 4, 5), 1,
                        "no fewer mean steps than the best depth: 90.0% vs 90.0% at r=4 (+0.0 points); 4.00 mean"
                                + " steps per decoded token vs 4 (12.00 per answer token counting the prefill's, which"
                                + " runs 32)"),
                Arguments.of("steps that dip at some level", saturated, exit(0.9, 2, 4, 3), 2,
                        "falls from level 2 (4.00) to level 3 (3.00); per decoded token by difficulty 1: 2.00, 2: 4.00,"
                                + " 3: 3.00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingClaims")
    void aClaimFails(String name, double[] accByDepth, SettingSummary adaptive, int claim, String detail) {
        assertThat(report(accByDepth, adaptive).claims().get(claim))
                .extracting(Claim::verdict, Claim::detail)
                .containsExactly(Verdict.FAILS, detail);
    }

    @Test
    void anExitExactlyOnePointBelowTheBestHolds() {
        double[] acc = {0.2, 0.6, 0.9, 0.9, 0.9, 0.9};
        assertThat(report(acc, exit(0.89, 1, 2, 3)).claims().get(1).verdict()).isEqualTo(Verdict.HOLDS);
    }

    @Test
    void equalStepsAtEveryLevelAreFlat() {
        double[] acc = {0.2, 0.6, 0.9, 0.9, 0.9, 0.9};
        assertThat(report(acc, exit(0.9, 2, 2, 2)).claims().get(2).detail()).startsWith("flat: ");
    }

    @Test
    void tooFewDepthsOrLevelsAreNotTested() {
        EvalReport r = report(new double[] {0.2, 0.6}, exit(0.6, 1));
        assertThat(r.claims()).extracting(Claim::verdict).containsExactly(Verdict.UNTESTED, Verdict.HOLDS, Verdict.UNTESTED);
    }
}
