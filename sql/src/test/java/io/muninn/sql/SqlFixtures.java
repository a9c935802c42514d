package io.muninn.sql;

import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/** The bundled tiny model and the statements the SQL tests share. */
final class SqlFixtures {
    private SqlFixtures() {}

    static final Path MODEL = Path.of("../models/huginn-tiny-chains").toAbsolutePath().normalize();
    static final Path SAMPLE = MODEL.resolve("annotate-sample.jsonl");
    static final String OUTPUT = "OUTPUT (answer STRING, output_tokens INT, mean_steps DOUBLE, finish_reason STRING, "
            + "exit_steps ARRAY<INT>)";

    static StreamTableEnvironment tableEnv(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return StreamTableEnvironment.create(env);
    }

    /** The annotate sample as a filesystem table {@code samples}. */
    static void samplesTable(StreamTableEnvironment t) {
        samplesTable(t, SAMPLE);
    }

    /** A filesystem table {@code samples} of the sample's columns over {@code path} (a file or a directory). */
    static void samplesTable(StreamTableEnvironment t, Path path) {
        t.executeSql("CREATE TEMPORARY TABLE samples (id STRING, cells STRING, difficulty INT, expected STRING) WITH ("
                + "'connector' = 'filesystem', 'path' = '" + path.toUri() + "', 'format' = 'json')");
    }

    /** The sample split into two files under {@code dir}, so that both instances of a parallelism-2 job read rows. */
    static Path splitSample(Path dir) throws java.io.IOException {
        var lines = java.nio.file.Files.readAllLines(SAMPLE);
        java.nio.file.Files.write(dir.resolve("a.jsonl"), lines.subList(0, lines.size() / 2));
        java.nio.file.Files.write(dir.resolve("b.jsonl"), lines.subList(lines.size() / 2, lines.size()));
        return dir;
    }

    /** A muninn model {@code name} over the tiny model with the annotate sample's template, plus {@code extra} options. */
    static String createModel(String name, String input, String extra) {
        return "CREATE TEMPORARY MODEL " + name + " INPUT (" + input + ") " + OUTPUT + " WITH ('provider' = 'muninn', "
                + "'model-path' = '" + MODEL + "'" + (extra.isEmpty() ? "" : ", " + extra) + ")";
    }

    static final String ANNOTATE_OPTIONS = "'prompt-template' = '<|begin_text|>{cells}=', 'id-column' = 'id', "
            + "'max-new-tokens' = '4', 'max-steps' = '32'";
}
