package io.muninn.bench;

import java.util.Arrays;

/** {@code muninn bench <name> [options]}: batching, core-step, exit-spread, gemm, pipeline, reference, replay. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: muninn bench batching|core-step|exit-spread|gemm|pipeline|reference|replay [options]; --help lists a benchmark's options");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "batching" -> BatchingBenchmark.main(rest);
            case "core-step" -> CoreStepTable.main(rest);
            case "exit-spread" -> ExitSpreadBenchmark.main(rest);
            case "gemm" -> GemmBenchmark.main(rest);
            case "pipeline" -> PipelineBenchmark.main(rest);
            case "reference" -> ReferenceBenchmark.main(rest);
            case "replay" -> ReplayBenchmark.main(rest);
            case "serving" -> ServingBenchmark.main(rest);
            case "soak" -> SoakBenchmark.main(rest);
            default -> {
                System.err.println("unknown benchmark '" + args[0] + "'; accepted: batching, core-step, exit-spread, gemm, pipeline, reference, replay");
                System.exit(2);
            }
        }
    }
}
