package io.muninn.bench;

import java.util.List;

/**
 * The benchmark registry: every benchmark {@code muninn bench} runs, one entry each. {@link BenchCommand} makes a
 * subcommand of each, so {@code muninn bench --help} lists them and {@code muninn bench NAME --help} prints the
 * benchmark's options. A new benchmark is one line here (its name, a one-line description, its {@code main}).
 */
public final class BenchMain {
    private BenchMain() {}

    static final List<Benchmark> BENCHMARKS = List.of(
            new Benchmark("batching", "Static against step-level continuous batching, tokens/s and steps per token.", BatchingBenchmark::main),
            new Benchmark("core-step", "GFLOP/s of the core recurrence step per (rows, hidden) beside plain matmul; --breakdown splits a step.", CoreStepTable::main),
            new Benchmark("depth-control", "The latency target against a fixed step cap: accuracy at equal p99 TPOT under load, tiny model.", DepthControlBenchmark::main),
            new Benchmark("exit-spread", "How widely a random model's KL exit steps spread per (coupling, spread).", ExitSpreadBenchmark::main),
            new Benchmark("gemm", "Candidates for the step's matrix products (ND4J, OpenBLAS, oneDNN; FP32, BF16) at its shapes.", GemmBenchmark::main),
            new Benchmark("pipeline", "The scheduler alone against the whole Kafka -> Flink -> Kafka pipeline, same prompts.", PipelineBenchmark::main),
            new Benchmark("reference", "Muninn against the PyTorch reference implementation on the same checkpoint.", ReferenceBenchmark::main),
            new Benchmark("replay", "Time to rebuild a sequence's KV cache after a restore: lockstep replay against re-running.", ReplayBenchmark::main),
            new Benchmark("serving", "Open-loop serving: Poisson arrivals, TTFT/TPOT percentiles and goodput per batching mode.", ServingBenchmark::main),
            new Benchmark("soak", "GenerateJob under sustained load: memory, queue bounds, checkpoints; exactly-once checked.", SoakBenchmark::main),
            new Benchmark("sql", "The same rows through Flink SQL's ML_PREDICT (the muninn model provider) and through AnnotateJob.", SqlBenchmark::main));

    /** {@code muninn bench NAME [options]} without the root: the same command as {@code bin/muninn bench}. */
    public static void main(String[] args) {
        String[] withBench = new String[args.length + 1];
        withBench[0] = "bench";
        System.arraycopy(args, 0, withBench, 1, args.length);
        System.exit(io.muninn.cli.Muninn.commandLine().execute(withBench));
    }
}
