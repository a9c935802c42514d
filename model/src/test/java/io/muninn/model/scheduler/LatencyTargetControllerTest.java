package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The controller on a hand-moved clock: stages up and down one per dwell, bounded, with hysteresis. */
class LatencyTargetControllerTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    // target 10 ms, window 100 ms, dwell 20 ms, lower below 8 ms, every stage
    private final LatencyTargetController c = new LatencyTargetController(
            new LatencyTarget(10 * MS, 100 * MS, 20 * MS, 0.8, 4), clock::get);

    private void tokensAt(long tpotMs, int n) {
        for (int i = 0; i < n; i++) {
            c.recordTpot(tpotMs * MS);
        }
    }

    private int after(long ms) {
        clock.addAndGet(ms * MS);
        return c.update();
    }

    @Test
    void overTheTargetTheStageRisesOnePerDwellUpToTheMaximum() {
        tokensAt(15, 10);
        assertThat(c.update()).isEqualTo(1);
        assertThat(after(10)).as("within the dwell").isEqualTo(1);
        assertThat(after(10)).isEqualTo(2);
        tokensAt(15, 10);
        assertThat(after(20)).isEqualTo(3);
        assertThat(after(20)).isEqualTo(4);
        tokensAt(15, 10);
        assertThat(after(20)).as("the last stage is the bound").isEqualTo(4);
    }

    @Test
    void betweenTheRestoreLevelAndTheTargetTheStageHolds() {
        tokensAt(15, 4);
        c.update();
        assertThat(after(20)).isEqualTo(2);
        clock.addAndGet(200 * MS); // the 15 ms gaps leave the window
        for (int i = 0; i < 10; i++) {
            tokensAt(9, 4); // 9 ms: under the target but over 0.8 x target
            assertThat(after(20)).isEqualTo(2);
        }
    }

    @Test
    void belowTheRestoreLevelTheStageFallsOnePerDwellToZero() {
        tokensAt(30, 4);
        c.update();
        after(20);
        assertThat(after(20)).isEqualTo(3);
        clock.addAndGet(200 * MS); // the slow gaps leave the window
        tokensAt(5, 4);
        assertThat(c.update()).isEqualTo(2);
        assertThat(c.measuredTpotNanos()).isEqualTo(5.0 * MS);
        assertThat(after(5)).as("within the dwell").isEqualTo(2);
        tokensAt(5, 4);
        assertThat(after(20)).isEqualTo(1);
        tokensAt(5, 4);
        assertThat(after(20)).isEqualTo(0);
        tokensAt(5, 4);
        assertThat(after(20)).isEqualTo(0);
    }

    @Test
    void anIdleServerRestoresTheDepth() {
        tokensAt(30, 4);
        assertThat(c.update()).isEqualTo(1);
        assertThat(after(500)).as("no token in the window: no load").isEqualTo(0);
        assertThat(c.measuredTpotNanos()).isZero();
    }

    @Test
    void theMeasuredTpotIsTheMeanOfTheWindowOnly() {
        tokensAt(30, 2);
        clock.addAndGet(60 * MS);
        tokensAt(6, 2);
        c.update();
        assertThat(c.measuredTpotNanos()).isEqualTo(18.0 * MS);
        clock.addAndGet(50 * MS); // the first two are now 110 ms old
        c.update();
        assertThat(c.measuredTpotNanos()).isEqualTo(6.0 * MS);
    }

    @Test
    void aControllerWithMaxStageZeroNeverRelaxes() {
        var off = new LatencyTargetController(new LatencyTarget(10 * MS, 100 * MS, 0, 0.8, 0), clock::get);
        off.recordTpot(1_000 * MS);
        assertThat(off.update()).isZero();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new LatencyTarget(0, 1, 0, 0.8, 4)).hasMessage("TPOT target must be > 0 ns but was 0");
        assertThatThrownBy(() -> new LatencyTarget(1, 1, 0, 1.0, 4))
                .hasMessage("restore fraction must be in (0, 1) but was 1.0");
        assertThatThrownBy(() -> new LatencyTarget(1, 1, 0, 0.5, 5))
                .hasMessage("max relaxation stage must be in [0, 4] but was 5");
    }
}
