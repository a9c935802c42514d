package io.muninn.bench;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Arrays;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CoreStepBenchmark} and prints, per (rows, hidden), the core step's achieved GFLOP/s beside the engine's
 * plain FP32 matmul GFLOP/s from the same run, and their ratio. With {@code --breakdown}, {@link CoreStepBreakdown}
 * instead: the share of a step spent in each part.
 */
public final class CoreStepTable {
    private CoreStepTable() {}

    public static void main(String[] args) throws Exception {
        if (java.util.List.of(args).contains("--breakdown")) {
            String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--breakdown")).toArray(String[]::new);
            Map<String, String> opts = BenchArgs.parse(rest, Map.of("--rows", "16,64,128", "--hidden", "1024,2048", "--steps", "10"));
            CoreStepBreakdown.run(ints(opts.get("--rows")), ints(opts.get("--hidden")), Integer.parseInt(opts.get("--steps")));
            return;
        }
        String threads = System.getenv("OMP_NUM_THREADS");
        if (threads == null) {
            System.out.println("note: OMP_NUM_THREADS is unset; on a shared machine set it (1 on 2 cores) or OpenMP"
                    + " threads oversubscribe and every number is meaningless");
        }
        Map<String, String> opts = BenchArgs.parse(args, Map.of("--rows", "1,8,32,128", "--hidden", "256,1024,2048",
                "--iterations", "3"));
        String[] rowsList = opts.get("--rows").split(",");
        String[] hiddenList = opts.get("--hidden").split(",");
        Options options = new OptionsBuilder()
                .include(CoreStepBenchmark.class.getName())
                .param("rows", rowsList)
                .param("hidden", hiddenList)
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(Integer.parseInt(opts.get("--iterations")))
                .measurementTime(TimeValue.seconds(2))
                // JavaCPP's per-allocation memory check off, as bin/muninn runs the engine
                .jvmArgsAppend("-Xmx6g", "-Dorg.bytedeco.javacpp.maxbytes=0", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.println("| rows | hidden | core step ms | core step GFLOP/s | plain matmul GFLOP/s | step / matmul |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int hidden : Arrays.stream(hiddenList).mapToInt(Integer::parseInt).toArray()) {
            for (int rows : Arrays.stream(rowsList).mapToInt(Integer::parseInt).toArray()) {
                double stepMs = score(results, "coreStep", rows, hidden);
                double matmulMs = score(results, "plainMatmul", rows, hidden);
                double stepRate = CoreStepBenchmark.coreStepFlops(rows, hidden) / (stepMs * 1e6);
                double matmulRate = CoreStepBenchmark.matmulFlops(rows, hidden) / (matmulMs * 1e6);
                System.out.println(String.format(Locale.ROOT, "| %d | %d | %.3f | %.2f | %.2f | %.2f |",
                        rows, hidden, stepMs, stepRate, matmulRate, stepRate / matmulRate));
            }
        }
    }

    private static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray();
    }

    private static double score(Collection<RunResult> results, String benchmark, int rows, int hidden) {
        for (RunResult r : results) {
            var params = r.getParams();
            if (params.getBenchmark().endsWith("." + benchmark)
                    && params.getParam("rows").equals(Integer.toString(rows))
                    && params.getParam("hidden").equals(Integer.toString(hidden))) {
                return r.getPrimaryResult().getScore();
            }
        }
        return Double.NaN;
    }
}
