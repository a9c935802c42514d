package io.muninn.jobs.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.cli.Muninn;
import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.annotate.AnnotateJob;
import io.muninn.jobs.annotate.AnnotateJobConfig;
import io.muninn.jobs.annotate.CommittedFiles;
import io.muninn.jobs.annotate.PromptTemplate;
import io.muninn.jobs.annotate.RecordFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/muninn sql examples/sql/annotate.sql} end to end, through the command line: it prints every sample
 * row, and each row's answer, exit steps and finish reason equal what {@code bin/muninn annotate} (AnnotateJob)
 * writes for the same record with the same settings, exactly.
 */
class SqlCommandITCase {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path MODEL = ROOT.resolve("models/huginn-tiny-chains");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void theAnnotateExamplePrintsWhatAnnotateWrites(@TempDir Path dir) throws Exception {
        // the example's paths are relative to the repository root; the tests run in jobs/
        String script = Files.readString(ROOT.resolve("examples/sql/annotate.sql"))
                .replace("'models/", "'" + ROOT + "/models/");
        Path file = dir.resolve("annotate.sql");
        Files.writeString(file, script);
        StringWriter out = new StringWriter();
        var cl = Muninn.commandLine();
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("sql", file.toString());
        assertThat(exit).as("exit code; output:\n%s", out).isZero();

        Map<String, String> printed = new TreeMap<>();
        List<String> header = null;
        for (String line : out.toString().lines().toList()) {
            if (!line.startsWith("|")) {
                continue;
            }
            List<String> cells = Stream.of(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
            if (header == null) {
                header = cells;
                continue;
            }
            printed.put(cells.get(header.indexOf("id")), cells.get(header.indexOf("answer")) + " "
                    + cells.get(header.indexOf("exit_steps")) + " " + cells.get(header.indexOf("finish_reason")));
        }
        assertThat(out.toString()).contains("24 rows");
        assertThat(printed).hasSize(24).isEqualTo(annotate(dir.resolve("annotate-out")));
    }

    /** What AnnotateJob writes for the sample with the README's settings (template, 4 tokens, 32 steps). */
    static Map<String, String> annotate(Path out) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        var config = new AnnotateJobConfig(List.of(MODEL.resolve("annotate-sample.jsonl").toUri().toString()),
                new RecordFormat.JsonLines(), new PromptTemplate("<|begin_text|>{cells}="), false, "id",
                out.toUri().toString(), 4, "kl", null, 200);
        AnnotateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(MODEL).setMaxSteps(32).build());
        env.execute("annotate-for-sql-parity");
        Map<String, String> rows = new TreeMap<>();
        CommittedFiles.annotations(out).forEach((id, o) -> rows.put(id, o.get("answer").getAsString() + " "
                + o.get("steps_per_token").toString().replace(",", ", ") + " " + o.get("finish_reason").getAsString()));
        return rows;
    }
}
