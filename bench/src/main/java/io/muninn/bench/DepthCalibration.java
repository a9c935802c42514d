package io.muninn.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The depth benchmark's starting point, found as {@code bench serving} finds its own: the SLO (absolute where given,
 * else a multiple of the unloaded TTFT and TPOT, {@link UnloadedLatency}), and the base rate,
 * the highest rate at which step-level batching without the controller meets it: {@code --rate} where given, else the
 * highest of {@code --load-factors} x the closed-loop step-level rate (every request at time 0) whose run meets the
 * SLO, or the lowest factor's rate when none does (said so in the output).
 */
final class DepthCalibration {
    private DepthCalibration() {}

    /** @param stepsPerToken mean recurrence steps per token of the closed-loop run (no cap, no controller) */
    record Result(Slo slo, double baseRate, double stepsPerToken) {}

    static Result calibrate(StepLevelMode plain, List<BenchRequest> requests, Map<String, String> o, long seed, PrintStream out) {
        // closed loop: the warm-up, and the capacity the load factors scale
        ServingRun closed = ServingBenchmark.serve(plain, requests, new long[requests.size()]);
        double stepsPerToken = plain.stepsPerToken();
        double capacity = ServingSummary.of("closed", 0, closed.timings(), new Slo(1, 1, 1), -1).requestsPerSecond();
        UnloadedLatency unloaded = UnloadedLatency.measure(plain, requests, RunClock.WALL);
        Slo slo = unloaded.slo(Double.parseDouble(o.get("--slo-ttft-scale")), Double.parseDouble(o.get("--slo-tpot-scale")),
                ServingBenchmark.auto(o.get("--slo-ttft-ms")), ServingBenchmark.auto(o.get("--slo-tpot-ms")),
                Double.parseDouble(o.get("--slo-attainment")));
        out.printf(Locale.ROOT, "closed loop (warm-up): %.3g req/s, %.2f steps per token; unloaded (median of %d): TTFT %.1f ms, TPOT %.1f ms%n",
                capacity, stepsPerToken, unloaded.requests(), unloaded.ttftMs(), unloaded.tpotMs());
        out.printf(Locale.ROOT, "SLO: TTFT <= %.1f ms and TPOT <= %.1f ms for at least %.0f%% of the requests%n", slo.ttftMs(),
                slo.tpotMs(), 100 * slo.attainment());
        if (!o.get("--rate").equals("auto")) {
            double rate = DepthControlBenchmark.numbers("--rate", o.get("--rate"))[0];
            out.printf(Locale.ROOT, "base rate: %.3g req/s (given)%n", rate);
            return new Result(slo, rate, stepsPerToken);
        }
        double[] factors = DepthControlBenchmark.numbers("--load-factors", o.get("--load-factors"));
        out.println("finding the base rate: step-level without the controller at " + java.util.Arrays.toString(factors)
                + " x the closed-loop rate");
        double best = 0;
        double lowest = Double.POSITIVE_INFINITY;
        for (double f : factors) {
            double rate = Double.parseDouble(String.format(Locale.ROOT, "%.3g", f * capacity));
            lowest = Math.min(lowest, rate);
            ServingRun run = ServingBenchmark.serve(plain, requests, PoissonArrivals.offsetsNanos(requests.size(), rate, seed));
            ServingSummary s = ServingSummary.of("step-level", rate, run.timings(), slo, -1);
            out.printf(Locale.ROOT, "  %.3g req/s: TTFT p99 %.1f ms, TPOT p99 %.1f ms, %d of %d met the SLO: %s%n", rate,
                    s.ttftP99(), s.tpotP99(), s.metSlo(), s.requests(), s.meetsSlo() ? "meets" : "misses");
            if (s.meetsSlo()) {
                best = Math.max(best, rate);
            }
        }
        if (best == 0) {
            out.printf(Locale.ROOT, "base rate: %.3g req/s (the lowest tried: none met the SLO)%n", lowest);
            return new Result(slo, lowest, stepsPerToken);
        }
        out.printf(Locale.ROOT, "base rate: %.3g req/s (the highest that met the SLO)%n", best);
        return new Result(slo, best, stepsPerToken);
    }
}
