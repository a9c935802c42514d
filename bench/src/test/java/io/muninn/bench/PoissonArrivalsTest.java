package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Seeded Poisson arrivals: reproducible, non-decreasing, and at the rate asked for over many draws. */
class PoissonArrivalsTest {

    @Test
    void theSameSeedGivesTheSameArrivalsAndAnotherSeedOthers() {
        assertThat(PoissonArrivals.offsetsNanos(50, 3.0, 7)).containsExactly(PoissonArrivals.offsetsNanos(50, 3.0, 7));
        assertThat(PoissonArrivals.offsetsNanos(50, 3.0, 8)).isNotEqualTo(PoissonArrivals.offsetsNanos(50, 3.0, 7));
    }

    @Test
    void arrivalsAreNonDecreasingAndStartAfterTimeZero() {
        long[] t = PoissonArrivals.offsetsNanos(1000, 20.0, 1);
        assertThat(t[0]).isPositive();
        for (int i = 1; i < t.length; i++) {
            assertThat(t[i]).isGreaterThanOrEqualTo(t[i - 1]);
        }
    }

    @Test
    void theRateIsHonouredOverManyDraws() {
        // 20,000 exponential gaps at rate 5: the mean gap's standard error is 0.2 / sqrt(20000) = 0.0014 s, so 0.2 +- 0.006
        // is over four standard errors; the seed is fixed, so the outcome is too
        int n = 20_000;
        double rate = 5.0;
        long[] t = PoissonArrivals.offsetsNanos(n, rate, 20261205L);
        double meanGap = t[n - 1] / 1e9 / n;
        assertThat(meanGap).isCloseTo(1 / rate, within(0.006));
        // exponential gaps: P(gap > mean) = 1/e; the count of such gaps has standard deviation sqrt(n p (1 - p)) = 68
        int longer = 0;
        long previous = 0;
        for (long arrival : t) {
            longer += arrival - previous > 1e9 / rate ? 1 : 0;
            previous = arrival;
        }
        assertThat((double) longer / n).isCloseTo(Math.exp(-1), within(0.015));
    }

    @Test
    void everyRateSeesTheSamePatternScaled() {
        long[] slow = PoissonArrivals.offsetsNanos(100, 2.0, 3);
        long[] fast = PoissonArrivals.offsetsNanos(100, 8.0, 3);
        for (int i = 0; i < slow.length; i++) {
            assertThat((double) slow[i]).isCloseTo(4.0 * fast[i], within(4.0));
        }
    }

    @Test
    void aRateThatIsNotPositiveIsRejectedNamingIt() {
        assertThatThrownBy(() -> PoissonArrivals.offsetsNanos(10, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rate").hasMessageContaining("> 0").hasMessageContaining("0.0");
        assertThatThrownBy(() -> PoissonArrivals.offsetsNanos(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requests must be >= 1 but was 0");
    }
}
