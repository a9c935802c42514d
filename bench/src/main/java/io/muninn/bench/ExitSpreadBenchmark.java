package io.muninn.bench;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.RandomWeights;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code muninn bench exit-spread}: how widely a random-weight model's KL exit steps spread for each (state coupling,
 * embedding spread) of {@link RandomWeights#createWithSpread}. The spread bounds what step-level batching can gain
 * over static batching: a static token round, as the reference runs it, lasts as long as its slowest member and
 * computes every member's row until then, so the gain is at most about E[slowest of a batch] / mean, whether a step
 * costs per row or per step. Printed per setting, from the measured histogram (members drawn independently from
 * it). Asserts nothing; it reports.
 */
public final class ExitSpreadBenchmark {
    private ExitSpreadBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> defaults = new HashMap<>(Map.of(
                "--hidden", "1024", "--sequences", "16", "--max-new-tokens", "8", "--batch", "16", "--max-steps", "32",
                "--threshold", "5e-4", "--exit-in-prefill", "true",
                "--settings", "0.25:3,0.27:2,0.28:1,0.28:3,0.28:5,0.29:2,0.29:3,0.3:2,0.3:3,0.3:5,0.35:2"));
        Map<String, String> opts = BenchArgs.parse(args, defaults);
        int hidden = Integer.parseInt(opts.get("--hidden"));
        int sequences = Integer.parseInt(opts.get("--sequences"));
        int maxNew = Integer.parseInt(opts.get("--max-new-tokens"));
        int batch = Integer.parseInt(opts.get("--batch"));
        int maxSteps = Integer.parseInt(opts.get("--max-steps"));
        double threshold = Double.parseDouble(opts.get("--threshold"));
        boolean exitInPrefill = Boolean.parseBoolean(opts.get("--exit-in-prefill"));

        System.out.printf(Locale.ROOT, "command: muninn bench exit-spread %s%n", String.join(" ", args));
        System.out.printf(Locale.ROOT, "## random-h%d, %d sequences x %d tokens, kl < %s, max %d steps, %s%n", hidden,
                sequences, maxNew, threshold, maxSteps, exitInPrefill ? "exit in prefill" : "no exit in prefill");
        System.out.printf(Locale.ROOT, "| coupling | spread | tokens | mean steps | at the cap | E[slowest of %d] | E[slowest] / mean | steps (count) |%n", batch);
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---|");
        double widest = 0;
        for (String setting : opts.get("--settings").split(",")) {
            String[] pair = setting.split(":");
            if (pair.length != 2) {
                throw new IllegalArgumentException("--settings takes coupling:spread pairs separated by commas but got '" + setting + "'");
            }
            double coupling = Double.parseDouble(pair[0]);
            double spread = Double.parseDouble(pair[1]);
            ModelConfig c = RandomWeights.config(hidden, 512, 256, maxSteps);
            List<BenchRequest> requests = BatchingBenchmark.requests(c, null, sequences, 12, maxNew,
                    new ExitPolicy(ExitCriterion.of("kl", threshold), 0, maxSteps, 1, exitInPrefill), 1.0);
            long budget = RecurrentDepthEngine.kvBytesFor(c, "latest-m4", maxSteps, 16, 12 + maxNew) * (sequences + 1L);
            RecurrentDepthEngine engine = new RecurrentDepthEngine(
                    RandomWeights.createWithSpread(c, 20261123L, 1.0 / Math.sqrt(hidden), coupling, spread),
                    new Nd4jKernels(), new EngineOptions("latest-m4", maxSteps, budget, 16));
            TimedRuns.Result result = TimedRuns.continuousTimed(engine, requests, batch);
            long[] h = result.histogram();
            long tokens = java.util.Arrays.stream(h).sum();
            StringBuilder counts = new StringBuilder();
            for (int s = 1; s < h.length; s++) {
                if (h[s] > 0) {
                    counts.append(counts.length() == 0 ? "" : " ").append(s).append(':').append(h[s]);
                }
            }
            double mean = result.meanSteps();
            double slowest = expectedSlowest(h, batch);
            widest = Math.max(widest, slowest / mean);
            long atCap = maxSteps < h.length ? h[maxSteps] : 0;
            System.out.printf(Locale.ROOT, "| %.2f | %.1f | %d | %.2f | %.1f%% | %.2f | %.2f | %s |%n", coupling, spread, tokens,
                    mean, 100.0 * atCap / tokens, slowest, slowest / mean, counts);
            System.out.flush();
        }
        System.out.printf(Locale.ROOT, "widest E[slowest of %d] / mean: %.2f%n", batch, widest);
    }

    /** E[max of {@code batch} independent draws] from the distribution {@code histogram[steps] = count}. */
    static double expectedSlowest(long[] histogram, int batch) {
        long total = 0;
        for (long count : histogram) {
            total += count;
        }
        double expected = 0;
        double below = 0; // P(draw <= s - 1)
        long cumulative = 0;
        for (int s = 0; s < histogram.length; s++) {
            cumulative += histogram[s];
            double atMost = (double) cumulative / total;
            expected += s * (Math.pow(atMost, batch) - Math.pow(below, batch));
            below = atMost;
        }
        return expected;
    }
}
