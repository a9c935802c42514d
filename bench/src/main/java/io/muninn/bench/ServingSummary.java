package io.muninn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One (mode, rate) run of the serving benchmark, summarised. The run's duration is from the start of the arrival
 * process (time 0) to the last token out, so throughput and goodput count the idle gaps before late arrivals too, as
 * a server's would. Latency percentiles are nearest-rank over the requests (over those with two or more tokens for
 * TPOT).
 *
 * @param sameTokens requests whose tokens equal the step-level mode's for the same request; -1 when not compared
 */
record ServingSummary(String mode, double rate, int requests, long tokens, double seconds, double ttftP50, double ttftP99,
        double tpotP50, double tpotP99, double e2eP50, double e2eP99, int metSlo, boolean meetsSlo, int sameTokens,
        ServingMode.Work work) {

    static ServingSummary of(String mode, double rate, List<RequestTiming> timings, Slo slo, int sameTokens) {
        return of(mode, rate, timings, slo, sameTokens, null);
    }

    /** @param work the mode's steps, entries and rows stepped; null where unknown (through the pipeline) */
    static ServingSummary of(String mode, double rate, List<RequestTiming> timings, Slo slo, int sameTokens,
            ServingMode.Work work) {
        if (timings.isEmpty()) {
            throw new IllegalArgumentException("a run of mode " + mode + " at rate " + rate + " finished no request");
        }
        long last = 0;
        long tokens = 0;
        int met = 0;
        double[] ttft = new double[timings.size()];
        double[] tpot = new double[timings.size()];
        double[] e2e = new double[timings.size()];
        for (int i = 0; i < timings.size(); i++) {
            RequestTiming t = timings.get(i);
            last = Math.max(last, t.finishNanos());
            tokens += t.tokens();
            met += slo.met(t) ? 1 : 0;
            ttft[i] = t.ttftMs();
            tpot[i] = t.tpotMs();
            e2e[i] = t.e2eMs();
        }
        return new ServingSummary(mode, rate, timings.size(), tokens, last / 1e9, percentile(ttft, 50), percentile(ttft, 99),
                percentile(tpot, 50), percentile(tpot, 99), percentile(e2e, 50), percentile(e2e, 99), met,
                met >= slo.attainment() * timings.size(), sameTokens, work);
    }

    /** Nearest-rank percentile of the values that are not NaN; NaN when none is. */
    static double percentile(double[] values, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100] but was " + p);
        }
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * v.length);
        return v[Math.max(0, rank - 1)];
    }

    double requestsPerSecond() {
        return requests / seconds;
    }

    double tokensPerSecond() {
        return tokens / seconds;
    }

    /** Requests per second that met the SLO. */
    double goodput() {
        return metSlo / seconds;
    }

    /**
     * Goodput at the SLO of a mode's sweep: the highest measured rate whose run meets the SLO, whether or not every
     * lower rate did; 0 when none does.
     */
    static double goodputAtSlo(List<ServingSummary> sweep) {
        double best = 0;
        for (ServingSummary s : sweep) {
            if (s.meetsSlo()) {
                best = Math.max(best, s.rate());
            }
        }
        return best;
    }

    /** {@code a / b} with two decimals; "inf" when only b is 0, "n/a" when both are. */
    static String ratio(double a, double b) {
        if (b == 0) {
            return a == 0 ? "n/a" : "inf";
        }
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    static String header() {
        return "| mode | rate req/s | requests | seconds | throughput req/s | tokens/s | TTFT p50 ms | TTFT p99 ms | TPOT p50 ms "
                + "| TPOT p99 ms | e2e p50 ms | e2e p99 ms | met SLO | goodput req/s | meets SLO | same tokens as step-level "
                + "| steps | entries stepped | rows stepped |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|";
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %.3g | %d | %.2f | %.3g | %.3g | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.3g | %s | %s | %s | %s | %s |",
                mode, rate, requests, seconds, requestsPerSecond(), tokensPerSecond(), ttftP50, ttftP99, tpotP50, tpotP99,
                e2eP50, e2eP99, metSlo, goodput(), meetsSlo ? "yes" : "no", sameTokens < 0 ? "-" : sameTokens + " of " + requests,
                work == null ? "-" : Long.toString(work.steps()), work == null ? "-" : Long.toString(work.entrySteps()),
                work == null ? "-" : Long.toString(work.rowSteps()));
    }
}
