package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A short soak (a capped number of requests, the producer faster than the tiny model, small operator limits): the
 * whole harness runs, every request completes exactly once and the bounds hold.
 */
class SoakBenchmarkITCase {

    @Test
    void aShortSoakLosesAndDuplicatesNothingAndKeepsItsBounds() throws Exception {
        SoakSettings settings = SoakSettings.parse(new String[] {
                "--model", "../models/huginn-tiny-chains", "--requests", "100", "--warmup-minutes", "1",
                "--minutes", "1", "--rate", "200", "--backlog", "120", "--max-active", "8", "--max-waiting", "8",
                "--max-new-tokens", "4", "--checkpoint-ms", "500", "--consumer-rate", "500", "--sample-ms", "100",
                "--max-heap-growth-mb", "256", "--drain-minutes", "2"});
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            status = SoakBenchmark.run(settings, out);
        }
        String report = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(report); // the table, for whoever reads the test's output
        List<String> lines = report.lines().toList();
        assertThat(status).as(report).isZero();
        assertThat(lines.get(lines.size() - 1)).as(report)
                .matches("soak: 100 requests, 0 lost, 0 duplicated, heap growth -?[0-9]+\\.[0-9] MB");
        assertThat(report).doesNotContain("FAILED");
        // the operator's gauges were read through REST: some sequences were seen active, never more than allowed
        Matcher active = Pattern.compile("\\| largest active sequences \\(max-active-sequences\\) \\| (\\d+) \\(8\\) \\|")
                .matcher(report);
        assertThat(active.find()).as(report).isTrue();
        assertThat(Integer.parseInt(active.group(1))).isBetween(1, 8);
    }
}
