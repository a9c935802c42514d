package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.GreedySampler;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run clocks: the CPU clock places idle gaps on its time line without waiting for them; the wall clock waits. */
class RunClockTest {
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    private static ServingRun oneRequestAt(long arrivalNanos, RunClock clock) {
        var params = new GenerationParams(2, ExitPolicy.defaults(32), new GreedySampler(), 1, 1.0, false, Set.of());
        return new ServingRun(List.of(new BenchRequest("r0", new int[] {1, 2}, params)), new long[] {arrivalNanos}, clock);
    }

    @Test
    void theCpuClockSkipsAnIdleGapAndTheArrivalIsOnItsTimeLine() {
        ServingRun run = oneRequestAt(HOUR_NANOS, RunClock.CPU);
        run.start();
        assertThat(run.takeArrived()).isEmpty();
        run.sleepUntil(run.nextArrival()); // an hour on this clock, none on the wall's
        assertThat(run.now()).isGreaterThanOrEqualTo(HOUR_NANOS);
        assertThat(run.takeArrived()).containsExactly(0);
        run.token(0, 7);
        run.token(0, 8);
        run.finished(0);
        // the tokens are out after the arrival on the same clock: a TTFT of the work since, not of the hour
        assertThat(run.timings().get(0).ttftMs()).isBetween(0.0, 60_000.0);
    }

    @Test
    void theWallClockWaitsForTheArrival() {
        ServingRun run = oneRequestAt(5_000_000L, RunClock.WALL);
        long before = System.nanoTime();
        run.start();
        run.sleepUntil(run.nextArrival());
        assertThat(System.nanoTime() - before).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(run.takeArrived()).containsExactly(0);
    }

    @Test
    void parseTakesWallOrCpuAndNamesTheOptionOtherwise() {
        assertThat(RunClock.parse("--clock", "cpu")).isEqualTo(RunClock.CPU);
        assertThat(RunClock.parse("--clock", "WALL")).isEqualTo(RunClock.WALL);
        assertThatThrownBy(() -> RunClock.parse("--clock", "gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--clock takes wall or cpu but got 'gpu'");
    }
}
