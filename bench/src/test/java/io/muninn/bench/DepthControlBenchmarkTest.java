package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny end-to-end run on the bundled tiny model: two rates, every mode, every request answered and counted. */
class DepthControlBenchmarkTest {

    @Test
    void aSmallRunServesEveryModeAtEveryRateAndEndsWithTheComparison() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<DepthControlBenchmark.RateResult> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = DepthControlBenchmark.run(new String[] {"--model", "../models/huginn-tiny-chains", "--requests", "6",
                    "--batch", "3", "--rate", "40", "--multipliers", "1,2", "--caps", "1,3", "--window-ms", "50",
                    "--dwell-ms", "0", "--slo-tpot-ms", "1e-6"}, out);
        }
        assertThat(results).extracting(DepthControlBenchmark.RateResult::rate).containsExactly(40.0, 80.0);
        for (DepthControlBenchmark.RateResult r : results) {
            assertThat(r.caps()).extracting(DepthControlBenchmark.Row::mode).containsExactly("cap-1", "cap-3");
            for (DepthControlBenchmark.Row row : List.of(r.plain(), r.controlled(), r.caps().get(0), r.caps().get(1))) {
                assertThat(row.summary().requests()).as(row.mode()).isEqualTo(6);
                assertThat(row.tally().total()).as(row.mode()).isEqualTo(6);
                assertThat(row.stepsPerToken()).as(row.mode()).isGreaterThanOrEqualTo(1);
                // every micro-batch ran under some stage; without a controller, all of them under stage 0
                long steps = java.util.Arrays.stream(row.stageSteps()).sum();
                assertThat(steps).as(row.mode()).isEqualTo(row.summary().work().steps());
                if (!row.mode().equals("controller")) {
                    assertThat(row.stageSteps()[0]).as(row.mode()).isEqualTo(steps);
                }
            }
            // a 1 ns TPOT target (the SLO's bound, as given) is always exceeded: the controller relaxes
            assertThat(r.controlled().stageSteps()[0]).isLessThan(r.controlled().summary().work().steps());
            // a cap of one step spends exactly one per token, the prefill's included
            assertThat(r.caps().get(0).stepsPerToken()).isEqualTo(1.0);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith(DepthControlBenchmark.LAST_LINE + ": ")
                .matches(".*: \\d+/6 \\(.*\\) vs \\d+/6 \\(.*\\) \\(at 2.00x = 80.0 req/s, fixed cap (1|3);.*");
    }
}
