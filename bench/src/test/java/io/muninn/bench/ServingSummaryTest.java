package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency accounting (TTFT, TPOT, end to end) from known schedules, the summaries, and goodput at the SLO. */
class ServingSummaryTest {
    private static final long MS = 1_000_000L;

    @Test
    void ttftTpotAndEndToEndFollowFromTheArrivalAndTheTokenTimes() {
        // arrives at 100 ms; tokens out at 130, 150, 170, 190 ms
        RequestTiming t = new RequestTiming(100 * MS, new long[] {130 * MS, 150 * MS, 170 * MS, 190 * MS});
        assertThat(t.ttftMs()).isEqualTo(30.0);
        assertThat(t.tpotMs()).isEqualTo(20.0);
        assertThat(t.e2eMs()).isEqualTo(90.0);
        assertThat(t.tokens()).isEqualTo(4);
    }

    @Test
    void unevenGapsAverageOverTheTokensAfterTheFirst() {
        RequestTiming t = new RequestTiming(0, new long[] {10 * MS, 11 * MS, 40 * MS});
        assertThat(t.tpotMs()).isEqualTo(15.0);
    }

    @Test
    void aOneTokenAnswerHasNoTpotAndIsJudgedOnTtftAlone() {
        RequestTiming t = new RequestTiming(0, new long[] {50 * MS});
        assertThat(t.tpotMs()).isNaN();
        assertThat(t.e2eMs()).isEqualTo(50.0);
        assertThat(new Slo(60, 1, 1).met(t)).isTrue();
        assertThat(new Slo(40, 1000, 1).met(t)).isFalse();
    }

    @Test
    void aTokenBeforeItsArrivalIsRejected() {
        assertThatThrownBy(() -> new RequestTiming(10 * MS, new long[] {5 * MS})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 0").hasMessageContaining("before the arrival");
        assertThatThrownBy(() -> new RequestTiming(0, new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesAreNearestRankAndSkipMissingValues() {
        double[] values = new double[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 100 .. 1, unsorted
        }
        assertThat(ServingSummary.percentile(values, 50)).isEqualTo(50.0);
        assertThat(ServingSummary.percentile(values, 99)).isEqualTo(99.0);
        assertThat(ServingSummary.percentile(new double[] {7, Double.NaN}, 99)).isEqualTo(7.0);
        assertThat(ServingSummary.percentile(new double[] {Double.NaN}, 50)).isNaN();
        assertThat(ServingSummary.percentile(new double[] {1, 2, 3}, 50)).isEqualTo(2.0);
    }

    @Test
    void aSummaryCountsThroughputAndTheRequestsThatMetTheSlo() {
        List<RequestTiming> timings = List.of(
                new RequestTiming(0, new long[] {100 * MS, 120 * MS}), // ttft 100, tpot 20: meets
                new RequestTiming(500 * MS, new long[] {900 * MS, 950 * MS}), // ttft 400: misses
                new RequestTiming(1000 * MS, new long[] {1050 * MS, 1200 * MS, 2000 * MS})); // tpot 475: misses
        Slo slo = new Slo(200, 100, 0.3);
        ServingSummary s = ServingSummary.of("step-level", 1.5, timings, slo, 3);
        assertThat(s.seconds()).isEqualTo(2.0); // from time 0 to the last token
        assertThat(s.requestsPerSecond()).isEqualTo(1.5);
        assertThat(s.tokensPerSecond()).isEqualTo(3.5);
        assertThat(s.metSlo()).isEqualTo(1);
        assertThat(s.goodput()).isEqualTo(0.5);
        assertThat(s.meetsSlo()).isTrue(); // 1 of 3 >= 30%
        assertThat(ServingSummary.of("x", 1.5, timings, new Slo(200, 100, 0.5), 3).meetsSlo()).isFalse();
        assertThat(s.ttftP50()).isEqualTo(100.0);
        assertThat(s.ttftP99()).isEqualTo(400.0);
        assertThat(s.tpotP50()).isEqualTo(50.0);
        assertThat(s.e2eP99()).isEqualTo(1000.0);
        assertThat(s.row()).startsWith("| step-level | 1.50 | 3 |").contains("| 3 of 3 |");
    }

    @Test
    void goodputAtTheSloIsTheHighestRateThatMeetsIt() {
        List<ServingSummary> sweep = List.of(run(1, true), run(2, true), run(4, false), run(8, true), run(16, false));
        assertThat(ServingSummary.goodputAtSlo(sweep)).isEqualTo(8.0);
        assertThat(ServingSummary.goodputAtSlo(List.of(run(1, false), run(2, false)))).isZero();
        assertThat(ServingSummary.goodputAtSlo(List.of(run(3, true), run(1, true)))).isEqualTo(3.0);
    }

    @Test
    void ratiosSayWhenTheOtherModeMetTheSloAtNoRate() {
        assertThat(ServingSummary.ratio(8, 4)).isEqualTo("2.00");
        assertThat(ServingSummary.ratio(8, 0)).isEqualTo("inf");
        assertThat(ServingSummary.ratio(0, 0)).isEqualTo("n/a");
        assertThat(Double.parseDouble(ServingSummary.ratio(1, 3))).isCloseTo(0.33, within(1e-9));
    }

    @Test
    void anSloMustBePositiveAndItsAttainmentAShare() {
        assertThatThrownBy(() -> new Slo(0, 1, 1)).hasMessageContaining("ttft_ms").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new Slo(1, -2, 1)).hasMessageContaining("tpot_ms").hasMessageContaining("-2.0");
        assertThatThrownBy(() -> new Slo(1, 1, 1.5)).hasMessageContaining("attainment").hasMessageContaining("1.5");
    }

    private static ServingSummary run(double rate, boolean meets) {
        return new ServingSummary("m", rate, 1, 1, 1, 1, 1, 1, 1, 1, 1, meets ? 1 : 0, meets, -1, null);
    }
}
