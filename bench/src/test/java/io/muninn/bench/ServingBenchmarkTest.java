package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.RandomWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A whole in-process sweep on a small random model (on the CPU clock): every mode at every rate, every request served. */
class ServingBenchmarkTest {

    @Test
    void aSweepRunsEveryModeAtEveryRateAndServesEveryRequest() {
        ModelConfig c = RandomWeights.config(64, 256, 128, 32);
        var setup = new BatchingBenchmark.Setup("random-h64", RandomWeights.createWithSpread(c, 20261123L, 1.0 / 8, 0.22, 1.0),
                5e-4, 1.0, null);
        var settings = new ServingBenchmark.Settings(6, 3, new ServingMix.Range(3, 8), new ServingMix.Range(1, 4),
                new ExitPolicy(ExitCriterion.of("kl", 5e-4), 0, 32, 1, true), true, new double[] {100, 300}, null,
                5, 3, Double.NaN, Double.NaN, 0.9, 1.0, 11, RunClock.CPU);
        List<BenchRequest> requests = ServingBenchmark.requests(setup, settings);
        ServingBenchmark.ModelResult result = ServingBenchmark.sweep(setup, requests, settings);
        assertThat(result.byMode()).containsOnlyKeys("step-level", "token-level", "static");
        assertThat(result.stepLevelTokens()).hasSize(6);
        result.byMode().forEach((mode, runs) -> {
            assertThat(runs).extracting(ServingSummary::rate).containsExactly(100.0, 300.0);
            for (ServingSummary s : runs) {
                assertThat(s.requests()).as(mode).isEqualTo(6);
                assertThat(s.sameTokens()).as(mode).isEqualTo(6);
                assertThat(s.tokens()).as(mode).isEqualTo(requests.stream().mapToInt(r -> r.params().maxNewTokens()).sum());
                assertThat(s.work().steps()).as(mode).isPositive();
            }
        });
        // the SLO was derived from the unloaded latencies: positive bounds, the attainment asked for
        assertThat(result.slo().ttftMs()).isPositive();
        assertThat(result.slo().attainment()).isEqualTo(0.9);
    }
}
