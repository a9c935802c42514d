package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixed cap compared with the controller is the one whose p99 TPOT is closest to the controller's. */
class CapMatchTest {

    @Test
    void theClosestP99TpotWinsFromAboveOrBelow() {
        List<CapMatch.Candidate> caps = List.of(new CapMatch.Candidate(24, 30.0, 5), new CapMatch.Candidate(16, 21.0, 5),
                new CapMatch.Candidate(8, 12.0, 5));
        assertThat(CapMatch.closest(caps, 19.0).cap()).isEqualTo(16);
        assertThat(CapMatch.closest(caps, 14.0).cap()).isEqualTo(8);
        assertThat(CapMatch.closest(caps, 100.0).cap()).isEqualTo(24);
    }

    @Test
    void aTieGoesToTheLargerCap() {
        List<CapMatch.Candidate> caps = List.of(new CapMatch.Candidate(8, 10.0, 5), new CapMatch.Candidate(16, 20.0, 5));
        assertThat(CapMatch.closest(caps, 15.0).cap()).isEqualTo(16);
    }

    @Test
    void runsWithoutAP99TpotAreSkippedAndNoneLeftIsAnError() {
        assertThat(CapMatch.closest(List.of(new CapMatch.Candidate(16, Double.NaN, 5), new CapMatch.Candidate(8, 40.0, 5)), 15.0)
                .cap()).isEqualTo(8);
        assertThatThrownBy(() -> CapMatch.closest(List.of(new CapMatch.Candidate(16, Double.NaN, 5)), 15.0))
                .hasMessageContaining("none of 1 fixed-cap runs");
        assertThatThrownBy(() -> CapMatch.closest(List.of(), Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void theDefaultCapsSitAroundTheMeanStepsPerTokenBelowMaxSteps() {
        // 1.5, 1.25, 1, 0.75 and 0.5 x the mean steps per token, rounded up, distinct
        assertThat(DepthControlBenchmark.autoCaps(3.2, 32)).containsExactly(5, 4, 3, 2);
        assertThat(DepthControlBenchmark.autoCaps(8, 32)).containsExactly(12, 10, 8, 6, 4);
        // never max_steps or more, never below 1
        assertThat(DepthControlBenchmark.autoCaps(30, 32)).containsExactly(31, 30, 23, 15);
        assertThat(DepthControlBenchmark.autoCaps(1, 32)).containsExactly(2, 1);
    }
}
