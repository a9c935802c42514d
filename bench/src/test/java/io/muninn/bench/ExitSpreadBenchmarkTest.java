package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The expected slowest member of a batch, from an exit-step histogram. */
class ExitSpreadBenchmarkTest {

    @Test
    void everyTokenAtOneStepCountMakesThatTheSlowest() {
        long[] histogram = new long[33];
        histogram[14] = 100;
        assertThat(ExitSpreadBenchmark.expectedSlowest(histogram, 16)).isCloseTo(14.0, within(1e-12));
    }

    @Test
    void twoEquallyLikelyStepCountsGiveTheMaximumOfIndependentDraws() {
        long[] histogram = new long[33];
        histogram[1] = 5;
        histogram[2] = 5;
        // max of two draws is 1 only when both are 1 (1/4), else 2
        assertThat(ExitSpreadBenchmark.expectedSlowest(histogram, 2)).isCloseTo(1.75, within(1e-12));
        // a batch of one is the mean
        assertThat(ExitSpreadBenchmark.expectedSlowest(histogram, 1)).isCloseTo(1.5, within(1e-12));
    }
}
