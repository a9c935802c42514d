package io.muninn.bench;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.weights.RandomWeights;
import io.muninn.model.weights.WeightsLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code muninn bench serving}: an open-loop serving benchmark. Requests arrive by a seeded Poisson process at each
 * of a list of rates, in real time, and are served by step-level continuous batching, token-level continuous
 * batching and static batching in turn, the same requests at the same arrival times; per rate and mode it prints
 * throughput, TTFT, TPOT and end-to-end percentiles and goodput under a stated SLO, on the bundled tiny model and
 * on a random model whose exits spread like Huginn-0125's, then the same through Kafka and GenerateJob at one rate.
 * Asserts nothing; it reports. bench/README.md describes the requests, the SLO and the rates.
 */
public final class ServingBenchmark {
    private ServingBenchmark() {}

    /** A model's sweep: its SLO and each mode's runs, rate by rate. */
    record ModelResult(String name, Slo slo, Map<String, List<ServingSummary>> byMode, List<int[]> stepLevelTokens) {
        double goodputAtSlo(String mode) {
            return ServingSummary.goodputAtSlo(byMode.get(mode));
        }
    }

    /** What one model's sweep needs from the command line. */
    record Settings(int requests, int batch, ServingMix.Range promptLength, ServingMix.Range newTokens, ExitPolicy exit,
            boolean keepComputing, double[] rates, double[] loadFactors, double ttftScale, double tpotScale, double ttftMs,
            double tpotMs, double attainment, double staticTimeoutMs, long seed, RunClock clock) {

        /** The same settings with other load factors (each model's sweep has its own). */
        Settings withLoadFactors(double[] factors) {
            return new Settings(requests, batch, promptLength, newTokens, exit, keepComputing, rates, factors, ttftScale,
                    tpotScale, ttftMs, tpotMs, attainment, staticTimeoutMs, seed, clock);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> defaults = new HashMap<>();
        defaults.putAll(Map.of("--model", "models/huginn-tiny-chains", "--models", "tiny,random", "--requests", "64",
                "--batch", "16", "--prompt-lengths", "4:32", "--new-tokens", "2:16", "--threshold", "5e-4",
                "--max-steps", "32", "--exit-in-prefill", Boolean.toString(ExitPolicy.DEFAULT_EXIT_IN_PREFILL),
                "--members-keep-computing", "true"));
        defaults.putAll(Map.of("--rates", "auto", "--load-factors", "0.3,0.45,0.6,0.75,0.9,1.05,1.2,1.35,1.5", "--slo-ttft-scale", "5",
                "--slo-tpot-scale", "3", "--slo-ttft-ms", "auto", "--slo-tpot-ms", "auto", "--slo-attainment", "0.9",
                "--static-timeout-ms", "auto", "--seed", "20261205", "--plot", "none"));
        defaults.putAll(Map.of("--random-hidden", "256", "--random-coupling", "0.28", "--random-spread", "3.0",
                "--random-load-factors", "0.1,0.15,0.2,0.25,0.3,0.4,0.5",
                "--pipeline", "true", "--pipeline-rate", "auto", "--checkpoint-ms", "200", "--clock", "wall"));
        Map<String, String> o = BenchArgs.parse(args, defaults);
        int maxSteps = Integer.parseInt(o.get("--max-steps"));
        Settings settings = new Settings(Integer.parseInt(o.get("--requests")), Integer.parseInt(o.get("--batch")),
                ServingMix.Range.parse("--prompt-lengths", o.get("--prompt-lengths")),
                ServingMix.Range.parse("--new-tokens", o.get("--new-tokens")),
                new ExitPolicy(ExitCriterion.of("kl", Double.parseDouble(o.get("--threshold"))), 0, maxSteps, 1,
                        Boolean.parseBoolean(o.get("--exit-in-prefill"))),
                Boolean.parseBoolean(o.get("--members-keep-computing")), doubles("--rates", o.get("--rates")),
                doubles("--load-factors", o.get("--load-factors")), Double.parseDouble(o.get("--slo-ttft-scale")),
                Double.parseDouble(o.get("--slo-tpot-scale")), auto(o.get("--slo-ttft-ms")), auto(o.get("--slo-tpot-ms")),
                Double.parseDouble(o.get("--slo-attainment")), auto(o.get("--static-timeout-ms")),
                Long.parseLong(o.get("--seed")), RunClock.parse("--clock", o.get("--clock")));
        if (settings.batch() < 1) {
            throw new IllegalArgumentException("--batch must be >= 1 but was " + settings.batch());
        }
        List<String> models = Arrays.asList(o.get("--models").split(","));
        for (String m : models) {
            if (!m.equals("tiny") && !m.equals("random")) {
                throw new IllegalArgumentException("--models takes tiny and/or random (comma-separated) but got '" + m + "'");
            }
        }
        System.out.printf(Locale.ROOT, "command: muninn bench serving %s%n", String.join(" ", args));
        System.out.printf(Locale.ROOT, "machine: %d cores, ND4J %s threads; clock: %s%n", Runtime.getRuntime().availableProcessors(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "default"), settings.clock().name().toLowerCase(Locale.ROOT));

        List<ModelResult> results = new ArrayList<>();
        Path model = Path.of(o.get("--model"));
        List<BenchRequest> tinyRequests = null;
        ModelResult tiny = null;
        if (models.contains("tiny")) {
            if (!Files.isDirectory(model)) {
                throw new IllegalArgumentException("--model " + model + " is not a directory (the tiny model is needed for --models tiny)");
            }
            var setup = new BatchingBenchmark.Setup(model.getFileName().toString(), WeightsLoader.load(model),
                    settings.exit().criterion().threshold(), 0.0, BatchingBenchmark.evalPrompts(model));
            tinyRequests = requests(setup, settings);
            tiny = sweep(setup, tinyRequests, settings);
            results.add(tiny);
        }
        if (models.contains("random")) {
            int hidden = Integer.parseInt(o.get("--random-hidden"));
            ModelConfig rc = RandomWeights.config(hidden, 512, 256, maxSteps);
            var setup = new BatchingBenchmark.Setup("random-h" + hidden, RandomWeights.createWithSpread(rc, 20261123L,
                    1.0 / Math.sqrt(hidden), Double.parseDouble(o.get("--random-coupling")),
                    Double.parseDouble(o.get("--random-spread"))), settings.exit().criterion().threshold(), 1.0, null);
            // its SLO boundary lies far lower than the tiny model's (bench/README.md, "Rates")
            Settings random = settings.withLoadFactors(doubles("--random-load-factors", o.get("--random-load-factors")));
            results.add(sweep(setup, requests(setup, random), random));
        }
        if (!o.get("--plot").equals("none")) {
            for (ModelResult r : results) {
                for (Path p : ServingPlot.write(o.get("--plot"), r.name(), r.byMode())) {
                    System.out.println("plot: " + p);
                }
            }
        }
        if (tiny != null && Boolean.parseBoolean(o.get("--pipeline"))) {
            List<ServingSummary> stepRuns = tiny.byMode().get("step-level");
            double rate = o.get("--pipeline-rate").equals("auto") ? stepRuns.get(stepRuns.size() / 2).rate()
                    : Double.parseDouble(o.get("--pipeline-rate"));
            ServingSummary piped = ServingPipeline.run(model.toAbsolutePath().normalize(), tinyRequests,
                    PoissonArrivals.offsetsNanos(tinyRequests.size(), rate, settings.seed()), settings.batch(),
                    Long.parseLong(o.get("--checkpoint-ms")), tiny.slo(), rate, tiny.stepLevelTokens());
            System.out.printf(Locale.ROOT, "%n## %s through Kafka -> GenerateJob (MiniCluster) -> Kafka at %.3g req/s%n",
                    tiny.name(), rate);
            System.out.println("latencies from record timestamps (broker append time): a prompt's record to each token's record");
            System.out.println(ServingSummary.header());
            stepRuns.stream().filter(s -> s.rate() == rate).forEach(s -> System.out.println(s.row()));
            System.out.println(piped.row());
        }
        System.out.println();
        for (ModelResult r : results) {
            System.out.printf(Locale.ROOT, "%s goodput at SLO (req/s): step-level %.3g, token-level %.3g, static %.3g%n", r.name(),
                    r.goodputAtSlo("step-level"), r.goodputAtSlo("token-level"), r.goodputAtSlo("static"));
        }
        if (!results.isEmpty()) {
            // the last model's: the random model's, whose exits spread like Huginn-0125's, when both run
            ModelResult last = results.get(results.size() - 1);
            System.out.println("step-level/token-level goodput ratio at SLO: "
                    + ServingSummary.ratio(last.goodputAtSlo("step-level"), last.goodputAtSlo("token-level")));
            System.out.println("step-level/static goodput ratio at SLO: "
                    + ServingSummary.ratio(last.goodputAtSlo("step-level"), last.goodputAtSlo("static")));
        }
    }

    static List<BenchRequest> requests(BatchingBenchmark.Setup setup, Settings s) {
        return ServingMix.requests(setup.weights().config(), setup.prompts(), s.requests(), s.promptLength(), s.newTokens(),
                s.exit(), setup.initScale(), s.seed());
    }

    /** Calibrates the SLO and the rates on the model, then runs every mode at every rate. */
    static ModelResult sweep(BatchingBenchmark.Setup setup, List<BenchRequest> requests, Settings s) {
        ModelConfig c = setup.weights().config();
        int longest = requests.stream().mapToInt(r -> r.prompt().length + r.params().maxNewTokens()).max().orElseThrow();
        // room for a full batch of members and, where members keep computing, their shadows
        RecurrentDepthEngine engine = BatchingBenchmark.engine(setup.weights(), s.exit().maxSteps(), longest, 2 * s.batch() + 1);
        System.out.printf(Locale.ROOT, "%n## %s (hidden %d, %d requests, %s, max_new_tokens uniform in [%d, %d], batch %d, "
                + "kl < %s, max %d steps, %s, %s)%n", setup.name(), c.hiddenSize(), requests.size(),
                setup.prompts() == null ? "random prompts of " + s.promptLength().min() + " to " + s.promptLength().max() + " tokens"
                        : "prompts from its eval.jsonl, stopping at end of text",
                s.newTokens().min(), s.newTokens().max(), s.batch(), s.exit().criterion().threshold(), s.exit().maxSteps(),
                s.exit().exitInPrefill() ? "exit in prefill" : "no exit in prefill",
                s.keepComputing() ? "exited members keep computing" : "exited members idle");
        ServingMode step = new StepLevelMode(engine, s.batch());
        // closed loop, every request at time 0: the warm-up, and the step-level capacity that scales the rates
        ServingRun closed = serve(step, requests, new long[requests.size()], s.clock());
        ServingSummary capacity = ServingSummary.of("closed", 0, closed.timings(), new Slo(1, 1, 1), -1);
        List<BenchRequest> warm = requests.subList(0, Math.min(s.batch(), requests.size()));
        ServingRun warmToken = serve(new TokenLevelMode(engine, s.batch(), s.keepComputing()), warm, new long[warm.size()],
                s.clock());
        ServingRun warmStatic = serve(new StaticMode(engine, s.batch(), 0, s.keepComputing()), warm, new long[warm.size()],
                s.clock());
        List<int[]> expected = closed.tokens();
        System.out.printf(Locale.ROOT, "closed loop (warm-up, all %d requests at time 0): step-level %.3g req/s, %.3g tokens/s in %.2f s; "
                + "same tokens in the warm-up: token-level %d of %d, static %d of %d%n", requests.size(),
                capacity.requestsPerSecond(), capacity.tokensPerSecond(), capacity.seconds(),
                same(expected, warmToken.tokens()), warm.size(), same(expected, warmStatic.tokens()), warm.size());

        Slo slo = slo(step, requests, s);
        long timeoutNanos = Math.round((Double.isNaN(s.staticTimeoutMs()) ? slo.ttftMs() / 2 : s.staticTimeoutMs()) * 1e6);
        System.out.printf(Locale.ROOT, "SLO: TTFT <= %.1f ms and TPOT <= %.1f ms for at least %.0f%% of the requests; "
                + "static batches form at %d requests or after %.1f ms%n", slo.ttftMs(), slo.tpotMs(), 100 * slo.attainment(),
                s.batch(), timeoutNanos / 1e6);
        double[] rates = s.rates() != null ? s.rates() : Arrays.stream(s.loadFactors())
                .map(f -> Double.parseDouble(String.format(Locale.ROOT, "%.3g", f * capacity.requestsPerSecond()))).toArray();
        System.out.println("rates (req/s): " + Arrays.toString(rates) + (s.rates() != null ? "" : " = "
                + Arrays.toString(s.loadFactors()) + " x the closed-loop step-level rate"));
        List<ServingMode> modes = List.of(step, new TokenLevelMode(engine, s.batch(), s.keepComputing()),
                new StaticMode(engine, s.batch(), timeoutNanos, s.keepComputing()));
        Map<String, List<ServingSummary>> byMode = new LinkedHashMap<>();
        modes.forEach(m -> byMode.put(m.name(), new ArrayList<>()));
        System.out.println(ServingSummary.header());
        for (double rate : rates) {
            long[] arrivals = PoissonArrivals.offsetsNanos(requests.size(), rate, s.seed());
            for (ServingMode mode : modes) {
                ServingRun run = new ServingRun(requests, arrivals, s.clock());
                ServingMode.Work work = mode.serve(run);
                ServingSummary summary = ServingSummary.of(mode.name(), rate, run.timings(), slo, same(expected, run.tokens()), work);
                byMode.get(mode.name()).add(summary);
                System.out.println(summary.row());
                System.out.flush();
            }
        }
        ModelResult result = new ModelResult(setup.name(), slo, byMode, expected);
        System.out.printf(Locale.ROOT, "%s step-level/token-level goodput ratio at SLO: %s%n", setup.name(),
                ServingSummary.ratio(result.goodputAtSlo("step-level"), result.goodputAtSlo("token-level")));
        System.out.printf(Locale.ROOT, "%s step-level/static goodput ratio at SLO: %s%n", setup.name(),
                ServingSummary.ratio(result.goodputAtSlo("step-level"), result.goodputAtSlo("static")));
        return result;
    }

    /** The stated SLO ({@link UnloadedLatency#slo}), printed with the unloaded latency it scales. */
    private static Slo slo(ServingMode step, List<BenchRequest> requests, Settings s) {
        UnloadedLatency unloaded = UnloadedLatency.measure(step, requests, s.clock());
        System.out.printf(Locale.ROOT, "unloaded (one request at a time, median of %d): TTFT %.1f ms, TPOT %.1f ms%n",
                unloaded.requests(), unloaded.ttftMs(), unloaded.tpotMs());
        return unloaded.slo(s.ttftScale(), s.tpotScale(), s.ttftMs(), s.tpotMs(), s.attainment());
    }

    static ServingRun serve(ServingMode mode, List<BenchRequest> requests, long[] arrivals) {
        return serve(mode, requests, arrivals, RunClock.WALL);
    }

    static ServingRun serve(ServingMode mode, List<BenchRequest> requests, long[] arrivals, RunClock clock) {
        ServingRun run = new ServingRun(requests, arrivals, clock);
        mode.serve(run);
        return run;
    }

    /** Requests whose tokens are the same in both lists (by position; {@code b} may be shorter). */
    static int same(List<int[]> a, List<int[]> b) {
        int n = 0;
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            n += Arrays.equals(a.get(i), b.get(i)) ? 1 : 0;
        }
        return n;
    }

    /** An option's number, or NaN for {@code auto}. */
    static double auto(String value) {
        return value.equals("auto") ? Double.NaN : Double.parseDouble(value);
    }

    private static double[] doubles(String option, String value) {
        if (value.equals("auto")) {
            return null;
        }
        double[] out = Arrays.stream(value.split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        for (double d : out) {
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(option + " takes finite numbers > 0 but got " + d + " in '" + value + "'");
            }
        }
        return out;
    }
}
