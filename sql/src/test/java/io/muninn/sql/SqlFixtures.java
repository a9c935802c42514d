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
        t.executeSql("CREATE TEMPORARY TABLE samples (id STRING, cells STRING, difficulty INT, expected STRING) WITH ("
                + "'connector' = 'filesystem', 'path' = '" + SAMPLE.toUri() + "', 'format' = 'json')");
    }

    /** A muninn model {@code name} over the tiny model with the annotate sample's template, plus {@code extra} options. */
    static String createModel(String name, String input, String extra) {
        return "CREATE TEMPORARY MODEL " + name + " INPUT (" + input + ") " + OUTPUT + " WITH ('provider' = 'muninn', "
                + "'model-path' = '" + MODEL + "'" + (extra.isEmpty() ? "" : ", " + extra) + ")";
    }

    static final String ANNOTATE_OPTIONS = "'prompt-template' = '<|begin_text|>{cells}=', 'id-column' = 'id', "
            + "'max-new-tokens' = '4', 'max-steps' = '32'";
}
