package io.muninn.bench;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.annotate.AnnotateJob;
import io.muninn.jobs.annotate.AnnotateJobConfig;
import io.muninn.jobs.annotate.CommittedFiles;
import io.muninn.jobs.annotate.PromptTemplate;
import io.muninn.jobs.annotate.RecordFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * {@code muninn bench sql}: the same rows through ML_PREDICT (the {@code muninn} model provider) and through the
 * DataStream annotate job (AnnotateJob), same model, settings and parallelism, in one run, each on its own
 * MiniCluster in this process, after one warm-up run of each. Each measures from submission to the last row out (the
 * annotate job's time includes its exactly-once file sink's final commit; ML_PREDICT's, collecting the rows to this
 * client). Prints rows/s for each, whether both gave the same answers and steps, and last
 * {@code sql/annotate rows-per-second ratio: X}.
 */
public final class SqlBenchmark {
    private SqlBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = BenchArgs.parse(args, Map.of(
                "--model", "models/huginn-tiny-chains",
                "--rows", "256",
                "--warmup-rows", "16",
                "--max-new-tokens", "4",
                "--max-steps", "32",
                "--parallelism", "1",
                "--max-active-sequences", "64",
                "--concurrency", "320"));
        Path model = Path.of(o.get("--model")).toAbsolutePath().normalize();
        int rows = Integer.parseInt(o.get("--rows"));
        Path dir = Files.createTempDirectory("muninn-bench-sql");
        Path warm = rowsFile(dir.resolve("warmup.jsonl"), Integer.parseInt(o.get("--warmup-rows")), 11);
        Path input = rowsFile(dir.resolve("rows.jsonl"), rows, 7);
        System.out.printf("bench sql: %d rows of %s, %s new tokens, max %s steps, parallelism %s, %s active sequences, "
                        + "ML_PREDICT max-concurrent-operations %s%n", rows, model, o.get("--max-new-tokens"),
                o.get("--max-steps"), o.get("--parallelism"), o.get("--max-active-sequences"), o.get("--concurrency"));

        annotate(o, model, warm, dir.resolve("warm-annotate"));
        sql(o, model, warm);
        long t0 = System.nanoTime();
        Map<String, String> annotated = annotate(o, model, input, dir.resolve("annotate"));
        double annotateSeconds = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        Map<String, String> predicted = sql(o, model, input);
        double sqlSeconds = (System.nanoTime() - t0) / 1e9;

        double annotateRate = annotated.size() / annotateSeconds;
        double sqlRate = predicted.size() / sqlSeconds;
        System.out.printf("datastream/annotate: %d rows in %.2f s = %.2f rows/s%n", annotated.size(), annotateSeconds,
                annotateRate);
        System.out.printf("sql/ml_predict: %d rows in %.2f s = %.2f rows/s%n", predicted.size(), sqlSeconds, sqlRate);
        System.out.println("same answers and exit steps: " + annotated.equals(predicted));
        System.out.printf("sql/annotate rows-per-second ratio: %.3f%n", sqlRate / annotateRate);
    }

    static Path rowsFile(Path file, int n, long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder cells = new StringBuilder();
            for (int c = 0; c < 51; c++) {
                cells.append(rng.nextInt(3) == 0 ? (char) ('a' + rng.nextInt(26)) : (char) ('1' + rng.nextInt(2)));
            }
            lines.add(String.format("{\"id\": \"row-%d\", \"cells\": \"%s\"}", i, cells));
        }
        Files.write(file, lines);
        return file;
    }

    /** AnnotateJob over {@code input}; id -> "answer steps". */
    static Map<String, String> annotate(Map<String, String> o, Path model, Path input, Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(o.get("--parallelism")));
        var config = new AnnotateJobConfig(List.of(input.toUri().toString()), new RecordFormat.JsonLines(),
                new PromptTemplate("<|begin_text|>{cells}="), false, "id", out.toUri().toString(),
                Integer.parseInt(o.get("--max-new-tokens")), "kl", null, 1000);
        AnnotateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(model)
                .setMaxSteps(Integer.parseInt(o.get("--max-steps")))
                .setMaxActiveSequences(Integer.parseInt(o.get("--max-active-sequences"))).build());
        env.execute("bench sql: annotate");
        Map<String, String> rows = new TreeMap<>();
        CommittedFiles.annotations(out).forEach((id, j) -> rows.put(id, j.get("answer").getAsString() + " "
                + j.get("steps_per_token").toString().replace(",", ", ")));
        return rows;
    }

    /** ML_PREDICT over {@code input}; id -> "answer steps". */
    static Map<String, String> sql(Map<String, String> o, Path model, Path input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(o.get("--parallelism")));
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.executeSql("CREATE TEMPORARY TABLE bench_rows (id STRING, cells STRING) WITH ('connector' = 'filesystem', "
                + "'path' = '" + input.toUri() + "', 'format' = 'json')");
        t.executeSql("CREATE TEMPORARY MODEL bench_model INPUT (id STRING, cells STRING) "
                + "OUTPUT (answer STRING, exit_steps ARRAY<INT>) WITH ('provider' = 'muninn', 'model-path' = '" + model
                + "', 'prompt-template' = '<|begin_text|>{cells}=', 'id-column' = 'id', 'max-new-tokens' = '"
                + o.get("--max-new-tokens") + "', 'max-steps' = '" + o.get("--max-steps")
                + "', 'max-active-sequences' = '" + o.get("--max-active-sequences") + "')");
        Map<String, String> rows = new TreeMap<>();
        try (CloseableIterator<Row> it = t.executeSql("SELECT id, answer, exit_steps FROM ML_PREDICT(TABLE bench_rows, "
                + "MODEL bench_model, DESCRIPTOR(id, cells), MAP['output-mode', 'allow_unordered', "
                + "'max-concurrent-operations', '" + o.get("--concurrency") + "'])").collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                rows.put(r.getFieldAs("id"), r.getField("answer") + " " + Arrays.toString((Integer[]) r.getField("exit_steps")));
            }
        }
        return rows;
    }
}
