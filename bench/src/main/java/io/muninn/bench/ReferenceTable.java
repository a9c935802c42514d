package io.muninn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What {@code bench reference} prints: one table row per run, the shared-token share and the speed ratios. */
final class ReferenceTable {
    private ReferenceTable() {}

    /** One line of the table. {@code matching} is null for PyTorch's own rows. */
    record Row(String run, int batch, int tokens, double seconds, double tokensPerSecond, double meanSteps,
            double peakMb, String matching) {

        static Row of(ReferencePython.Run p, String name) {
            return new Row(name, p.batch(), p.tokenCount(), p.wallSeconds(), p.tokensPerSecond(),
                    p.meanStepsPerToken(), p.peakRssMb(), null);
        }

        static Row of(TimedRuns.Result r, String name, int batch, List<int[]> pytorchTokens) {
            TimedRuns.Run run = r.run();
            return new Row(name, batch, run.tokenCount(), run.seconds(), run.tokensPerSecond(), r.meanSteps(),
                    run.peakResidentMb(), sameTokens(run.tokens(), pytorchTokens));
        }
    }

    static List<String> table(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        lines.add("| run | batch | tokens | seconds | tokens/s | mean steps per token | peak resident MB "
                + "| same tokens as PyTorch |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|---|");
        for (Row r : rows) {
            lines.add(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %s | %s |", r.run(), r.batch(),
                    r.tokens(), r.seconds(), r.tokensPerSecond(), r.meanSteps(),
                    r.peakMb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", r.peakMb()),
                    r.matching() == null ? "-" : r.matching()));
        }
        return lines;
    }

    /** "k of n (p%)": sequences whose whole token list equals PyTorch's for the same prompt and mode. */
    static String sameTokens(List<int[]> muninn, List<int[]> pytorch) {
        int n = Math.min(muninn.size(), pytorch.size());
        int same = 0;
        for (int i = 0; i < n; i++) {
            if (Arrays.equals(muninn.get(i), pytorch.get(i))) {
                same++;
            }
        }
        return String.format(Locale.ROOT, "%d of %d (%.0f%%)", same, n, n == 0 ? 0.0 : 100.0 * same / n);
    }

    static String ratioLine(String what, double muninnRate, double pytorchRate) {
        return String.format(Locale.ROOT, "muninn/pytorch %s tokens-per-second ratio: %.2f", what, muninnRate / pytorchRate);
    }
}
