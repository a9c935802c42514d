package io.muninn.bench;

/**
 * One entry of the benchmark registry ({@link BenchMain#BENCHMARKS}): the name after {@code muninn bench}, the
 * one-line description {@code muninn bench --help} prints, and the benchmark's {@code main}.
 */
record Benchmark(String name, String description, Main main) {

    /** A benchmark's {@code main(String[])}. */
    @FunctionalInterface
    interface Main {
        void run(String[] args) throws Exception;
    }
}
