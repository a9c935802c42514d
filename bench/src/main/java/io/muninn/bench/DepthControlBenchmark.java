package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.eval.EvalExample;
import io.muninn.model.eval.EvalSet;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.Relaxation;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.scheduler.LatencyTarget;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.WeightsLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code muninn bench depth-control}: what the latency target (issue 16, part 3) buys. On the tiny model's eval
 * prompts, whose answers are known, it finds the highest Poisson rate at which step-level batching meets the SLO
 * without the controller, then at multiples of it (1x, 1.5x, 2x) serves the same requests at the same arrival times
 * (a) as asked, (b) with the controller holding the SLO's TPOT bound, and (c) with a fixed lower {@code max_steps} for
 * everyone, the cap whose p99 TPOT comes closest to (b)'s. Per rate it prints accuracy, p99 TPOT, throughput, steps
 * per token and the stages the controller used; the last line compares (b) and (c) at the highest rate. Asserts
 * nothing; bench/README.md ("Depth control") says what it compares.
 */
public final class DepthControlBenchmark {
    private DepthControlBenchmark() {}

    static final String LAST_LINE = "controller/fixed-cap accuracy at equal p99 TPOT";

    /** One mode's run at one rate, with what this benchmark adds to the serving summary. */
    record Row(String mode, ServingSummary summary, AnswerTally tally, double stepsPerToken, long[] stageSteps) {}

    /** One rate's runs: plain, controlled, every fixed cap tried, and the cap matched to the controller. */
    record RateResult(double multiplier, double rate, Row plain, Row controlled, List<Row> caps, int matchedCap) {
        Row matched() {
            return caps.stream().filter(r -> r.mode().equals("cap-" + matchedCap)).findFirst().orElseThrow();
        }
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    static List<RateResult> run(String[] args, PrintStream out) {
        Map<String, String> defaults = new HashMap<>(Map.of("--model", "models/huginn-tiny-chains", "--requests", "64",
                "--batch", "16", "--threshold", "5e-4", "--max-steps", "32", "--exit-in-prefill",
                Boolean.toString(ExitPolicy.DEFAULT_EXIT_IN_PREFILL), "--load-factors", "0.5,0.75,1,1.25,1.5", "--rate", "auto",
                "--multipliers", "1,1.5,2", "--caps", "auto"));
        defaults.putAll(Map.of("--slo-ttft-scale", "5", "--slo-tpot-scale", "3", "--slo-ttft-ms", "auto", "--slo-tpot-ms",
                "auto", "--slo-attainment", "0.9", "--window-ms", "500", "--dwell-ms", "100", "--restore-below",
                Double.toString(LatencyTarget.DEFAULT_RESTORE_BELOW), "--seed", "20261205"));
        Map<String, String> o = BenchArgs.parse(args, defaults);
        Path model = Path.of(o.get("--model"));
        if (!Files.isRegularFile(model.resolve("eval.jsonl"))) {
            throw new IllegalArgumentException("--model " + model + " has no eval.jsonl (a model with known answers is needed)");
        }
        int n = positive("--requests", Integer.parseInt(o.get("--requests")));
        int batch = positive("--batch", Integer.parseInt(o.get("--batch")));
        int maxSteps = positive("--max-steps", Integer.parseInt(o.get("--max-steps")));
        long seed = Long.parseLong(o.get("--seed"));
        ExitPolicy exit = new ExitPolicy(ExitCriterion.of("kl", Double.parseDouble(o.get("--threshold"))), 0, maxSteps, 1,
                Boolean.parseBoolean(o.get("--exit-in-prefill")));
        int[] givenCaps = o.get("--caps").equals("auto") ? null : Arrays.stream(o.get("--caps").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        for (int cap : givenCaps == null ? new int[0] : givenCaps) {
            if (cap < 1 || cap >= maxSteps) {
                throw new IllegalArgumentException("--caps takes step caps in [1, " + (maxSteps - 1) + "] but got " + cap);
            }
        }
        double[] multipliers = numbers("--multipliers", o.get("--multipliers"));
        out.printf(Locale.ROOT, "command: muninn bench depth-control %s%n", String.join(" ", args));
        out.printf(Locale.ROOT, "machine: %d cores, ND4J %s threads%n", Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));

        ModelWeights weights = WeightsLoader.load(model);
        Set<Integer> stops = Set.copyOf(weights.config().eosTokenIds());
        List<EvalExample> examples = new ArrayList<>(EvalSet.read(model.resolve("eval.jsonl")));
        Collections.shuffle(examples, new Random(seed)); // every difficulty level mixed into each stretch of arrivals
        List<BenchRequest> requests = new ArrayList<>();
        List<int[]> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EvalExample e = examples.get(i % examples.size());
            answers.add(e.answerIds());
            // max_new_tokens = the answer's length with its stop token: enough to be right, no room to ramble; init
            // scale 1.0 as muninn eval runs it (the model's README reports its accuracy so)
            requests.add(new BenchRequest("r" + i, e.promptIds(), new GenerationParams(e.answerIds().length, exit,
                    new GreedySampler(), 1000 + i, 1.0, false, stops)));
        }
        int longest = requests.stream().mapToInt(r -> r.prompt().length + r.params().maxNewTokens()).max().orElseThrow();
        RecurrentDepthEngine engine = BatchingBenchmark.engine(weights, maxSteps, longest, batch + 1);
        out.printf(Locale.ROOT, "%n## %s: %d requests from its eval.jsonl (max_new_tokens = answer length), batch %d, kl < %s, "
                + "max %d steps, %s%n", model.getFileName(), n, batch, exit.criterion().threshold(), maxSteps,
                exit.exitInPrefill() ? "exit in prefill" : "no exit in prefill");

        StepLevelMode plain = new StepLevelMode("step-level", engine, batch, null);
        DepthCalibration.Result cal = DepthCalibration.calibrate(plain, requests, o, seed, out);
        LatencyTarget target = new LatencyTarget(Math.round(cal.slo().tpotMs() * 1e6), millisToNanos("--window-ms", o),
                millisToNanos("--dwell-ms", o), Double.parseDouble(o.get("--restore-below")), Relaxation.MAX_STAGE);
        int[] caps = givenCaps != null ? givenCaps : autoCaps(cal.stepsPerToken(), maxSteps);
        out.printf(Locale.ROOT, "fixed caps tried: %s%s%n", Arrays.toString(caps), givenCaps != null ? ""
                : String.format(Locale.ROOT, " (%s x the closed-loop run's %.2f steps per token, rounded up)",
                        Arrays.toString(CAP_FACTORS), cal.stepsPerToken()));
        StepLevelMode controlled = new StepLevelMode("controller", engine, batch, target);
        out.printf(Locale.ROOT, "controller: TPOT target %.1f ms (the SLO's bound), window %s ms, dwell %s ms, restore below %s x target%n",
                cal.slo().tpotMs(), o.get("--window-ms"), o.get("--dwell-ms"), o.get("--restore-below"));

        List<RateResult> results = new ArrayList<>();
        for (double m : multipliers) {
            double rate = m * cal.baseRate();
            long[] arrivals = PoissonArrivals.offsetsNanos(n, rate, seed);
            out.printf(Locale.ROOT, "%n### %.3gx = %.3g req/s%n%s%n", m, rate, header());
            Row a = serve(plain, requests, arrivals, rate, cal.slo(), answers, stops, out);
            Row b = serve(controlled, requests, arrivals, rate, cal.slo(), answers, stops, out);
            List<Row> capRows = new ArrayList<>();
            List<CapMatch.Candidate> candidates = new ArrayList<>();
            for (int cap : caps) {
                StepLevelMode fixed = new StepLevelMode("cap-" + cap, engine, batch, null);
                Row r = serve(fixed, capped(requests, cap), arrivals, rate, cal.slo(), answers, stops, out);
                capRows.add(r);
                candidates.add(new CapMatch.Candidate(cap, r.summary().tpotP99(), r.summary().requestsPerSecond()));
            }
            int matched = CapMatch.closest(candidates, b.summary().tpotP99()).cap();
            RateResult result = new RateResult(m, rate, a, b, capRows, matched);
            results.add(result);
            out.printf(Locale.ROOT, "at %.3gx: controller %s at p99 TPOT %.1f ms; fixed cap %d (closest p99 TPOT) %s at %.1f ms; "
                    + "no controller %s at %.1f ms%n", m, b.tally().text(), b.summary().tpotP99(), matched,
                    result.matched().tally().text(), result.matched().summary().tpotP99(), a.tally().text(), a.summary().tpotP99());
        }
        RateResult top = results.get(results.size() - 1);
        out.println();
        out.printf(Locale.ROOT, "%s: %s vs %s (at %.3gx = %.3g req/s, fixed cap %d; p99 TPOT %.1f vs %.1f ms)%n", LAST_LINE,
                top.controlled().tally().text(), top.matched().tally().text(), top.multiplier(), top.rate(), top.matchedCap(),
                top.controlled().summary().tpotP99(), top.matched().summary().tpotP99());
        return results;
    }

    static Row serve(StepLevelMode mode, List<BenchRequest> requests, long[] arrivals, double rate, Slo slo, List<int[]> answers,
            Set<Integer> stops, PrintStream out) {
        ServingRun run = new ServingRun(requests, arrivals);
        ServingMode.Work work = mode.serve(run);
        Row row = new Row(mode.name(), ServingSummary.of(mode.name(), rate, run.timings(), slo, -1, work),
                AnswerTally.of(run.tokens(), answers, stops), mode.stepsPerToken(), mode.stageSteps());
        out.println(row(row));
        out.flush();
        return row;
    }

    /** Multiples of the unrelaxed mean steps per token that the default caps sit at. */
    static final double[] CAP_FACTORS = {1.5, 1.25, 1, 0.75, 0.5};

    /**
     * The caps tried by default: {@link #CAP_FACTORS} x the unrelaxed run's mean steps per token, rounded up, distinct,
     * in [1, max_steps - 1]: a cap far above the mean binds no token, so the useful ones sit around it.
     */
    static int[] autoCaps(double stepsPerToken, int maxSteps) {
        return Arrays.stream(CAP_FACTORS).mapToInt(f -> (int) Math.ceil(f * stepsPerToken - 1e-9))
                .map(c -> Math.min(maxSteps - 1, Math.max(1, c))).distinct().toArray();
    }

    static List<BenchRequest> capped(List<BenchRequest> requests, int cap) {
        return requests.stream().map(r -> {
            GenerationParams p = r.params();
            return new BenchRequest(r.id(), r.prompt(), new GenerationParams(p.maxNewTokens(), p.exit().withStepCap(cap),
                    p.sampler(), p.seed(), p.initScale(), p.warmStart(), p.stopTokens()));
        }).toList();
    }

    static String header() {
        return "| mode | rate req/s | accuracy | TTFT p99 ms | TPOT p50 ms | TPOT p99 ms | throughput req/s | tokens/s "
                + "| steps/token | met SLO | micro-batches at stage 0/1/2/3/4 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";
    }

    static String row(Row r) {
        ServingSummary s = r.summary();
        return String.format(Locale.ROOT, "| %s | %.3g | %s | %.1f | %.1f | %.1f | %.3g | %.3g | %.2f | %d of %d | %s |", r.mode(),
                s.rate(), r.tally().text(), s.ttftP99(), s.tpotP50(), s.tpotP99(), s.requestsPerSecond(), s.tokensPerSecond(),
                r.stepsPerToken(), s.metSlo(), s.requests(),
                String.join("/", Arrays.stream(r.stageSteps()).mapToObj(Long::toString).toList()));
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1 but was " + value);
        }
        return value;
    }

    private static long millisToNanos(String option, Map<String, String> o) {
        double ms = Double.parseDouble(o.get(option));
        if (!(ms >= 0) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException(option + " must be a finite number >= 0 but was " + o.get(option));
        }
        return Math.round(ms * 1e6);
    }

    static double[] numbers(String option, String value) {
        double[] out = Arrays.stream(value.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        for (double d : out) {
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(option + " takes finite numbers > 0 but got " + d + " in '" + value + "'");
            }
        }
        return out;
    }
}
