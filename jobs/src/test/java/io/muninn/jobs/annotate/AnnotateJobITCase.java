package io.muninn.jobs.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.muninn.flink.RecoveryTesting;
import io.muninn.flink.RecoveryTesting.FailOnce;
import io.muninn.flink.RecurrentDepthGeneration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.client.deployment.ClusterClientJobClientAdapter;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 records annotated by the bundled tiny model on a MiniCluster with a failure injected after a completed
 * checkpoint: every record's output row is written exactly once, bad records land in rejected/, and the committed
 * count the progress bar reads through the job client is exactly the number of records at the end. CSV input with
 * quoted commas, doubled quotes and line breaks inside fields goes through the same job.
 */
class AnnotateJobITCase {
    static final Path MODEL = Path.of("../models/huginn-tiny-chains").toAbsolutePath().normalize();
    private static final int RECORDS = 1000;
    private static final String FAILURE = "annotate";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void everyRecordIsAnnotatedExactlyOnceAcrossAFailure(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("rows.jsonl");
        List<String> lines = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(7);
        for (int i = 0; i < RECORDS; i++) {
            StringBuilder cells = new StringBuilder();
            for (int c = 0; c < 51; c++) {
                cells.append(rng.nextInt(3) == 0 ? (char) ('a' + rng.nextInt(26)) : (char) ('1' + rng.nextInt(2)));
            }
            lines.add(String.format("{\"id\": \"row-%d\", \"cells\": \"%s\", \"n\": %d}", i, cells, i));
        }
        lines.add(500, "{\"id\": \"no-cells\", \"n\": -1}");
        lines.add(700, "not json");
        Files.write(input, lines);

        StreamExecutionEnvironment env = RecoveryTesting.restartingEnvironment();
        AnnotateJobConfig config = new AnnotateJobConfig(List.of(input.toUri().toString()), new RecordFormat.JsonLines(),
                new PromptTemplate("<|begin_text|>{cells}="), false, "id", dir.resolve("out").toUri().toString(), 4,
                "kl", null, 200);
        FailOnce.reset(FAILURE);
        AnnotateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(MODEL).setMaxActiveSequences(32)
                .setMaxWaitingSequences(32).build(), new FailOnce<>(FAILURE, 300));
        JobClient job = env.executeAsync("annotate-it");
        // the progress bar's view of a remote cluster: a job client that talks to the cluster's REST API only
        JobClient remote = new ClusterClientJobClientAdapter<>(AnnotateJobITCase::restClient, job.getJobID(),
                AnnotateJobITCase.class.getClassLoader());
        List<Long> progress = new ArrayList<>();
        while (!job.getJobExecutionResult().isDone()) {
            progress.add(AnnotateCommand.committedRecords(job, -1));
            progress.add(AnnotateCommand.committedRecords(remote, -1));
            Thread.sleep(200);
        }
        JobExecutionResult result = job.getJobExecutionResult().get();
        assertThat(FailOnce.failed(FAILURE)).as("the failure was injected").isTrue();
        // the accumulators count committed rows: never more than there are, and each once across the restore
        assertThat(progress).allSatisfy(n -> assertThat(n).isBetween(-1L, (long) RECORDS));
        assertThat((Long) result.getAccumulatorResult(ToAnnotation.RECORDS)).isEqualTo(RECORDS);
        assertThat(AnnotateCommand.committedRecords(job, -1)).isEqualTo(RECORDS);
        // the REST API serves an execution graph cached for web.refresh-interval (3 s): read until it is fresh
        long overRest = AnnotateCommand.committedRecords(remote, -1);
        for (int read = 0; read < 20 && overRest != RECORDS; read++) {
            Thread.sleep(500);
            overRest = AnnotateCommand.committedRecords(remote, -1);
        }
        assertThat(overRest).isEqualTo(RECORDS);

        List<String> rows = CommittedFiles.lines(dir.resolve("out/annotations"));
        Set<String> ids = new HashSet<>();
        for (String row : rows) {
            JsonObject o = JsonParser.parseString(row).getAsJsonObject();
            assertThat(ids.add(o.get("request_id").getAsString())).as("duplicate row %s", row).isTrue();
            assertThat(o.get("id").getAsString()).isEqualTo(o.get("request_id").getAsString());
            assertThat(o.has("answer") && o.has("steps_per_token") && o.has("mean_steps") && o.has("n")).isTrue();
        }
        assertThat(ids).hasSize(RECORDS);
        List<String> rejected = CommittedFiles.lines(dir.resolve("out/rejected"));
        assertThat(rejected).hasSize(2);
        assertThat(String.join("\n", rejected)).contains("has no field 'cells'", "not valid JSON");
    }

    @Test
    void csvRecordsKeepQuotedCommasQuotesAndLineBreaksAndARowMissingAColumnIsRejected(@TempDir Path dir)
            throws Exception {
        Path input = dir.resolve("rows.csv");
        Files.writeString(input, "id,cells,note\n"
                + "a,1212,\"two, words\"\n"
                + "b,2121,\"say \"\"hi\"\"\"\n"
                + "c,\"11\n22\",\"first line\nsecond line\"\n"
                + "d,1111\n"
                + "e,2222,last\n");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        AnnotateJobConfig config = new AnnotateJobConfig(List.of(input.toUri().toString()), new RecordFormat.Csv(),
                new PromptTemplate("<|begin_text|>{cells}="), false, "id", dir.resolve("out").toUri().toString(), 2,
                "kl", null, 200);
        AnnotateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(MODEL).setMaxActiveSequences(8)
                .setMaxWaitingSequences(8).build());
        JobExecutionResult result = env.execute("annotate-csv-it");

        java.util.Map<String, JsonObject> rows = new java.util.TreeMap<>();
        for (String row : CommittedFiles.lines(dir.resolve("out/annotations"))) {
            JsonObject o = JsonParser.parseString(row).getAsJsonObject();
            rows.put(o.get("request_id").getAsString(), o);
        }
        assertThat(rows.keySet()).containsExactly("a", "b", "c", "e");
        assertThat(rows.get("a").get("note").getAsString()).isEqualTo("two, words");
        assertThat(rows.get("b").get("note").getAsString()).isEqualTo("say \"hi\"");
        assertThat(rows.get("c").get("cells").getAsString()).isEqualTo("11\n22");
        assertThat(rows.get("c").get("note").getAsString()).isEqualTo("first line\nsecond line");
        assertThat(rows.values()).allSatisfy(o -> assertThat(o.has("answer") && o.has("mean_steps")).isTrue());
        assertThat((Long) result.getAccumulatorResult(ToAnnotation.RECORDS)).isEqualTo(4);

        List<String> rejected = CommittedFiles.lines(dir.resolve("out/rejected"));
        assertThat(rejected).hasSize(1);
        JsonObject r = JsonParser.parseString(rejected.get(0)).getAsJsonObject();
        assertThat(r.get("field").getAsString()).isEqualTo("note");
        assertThat(r.get("reason").getAsString()).contains("no value for column 'note'");
        assertThat(r.get("record").getAsString()).isEqualTo("d,1111");
    }

    private static RestClusterClient<StandaloneClusterId> restClient() {
        try {
            return new RestClusterClient<>(CLUSTER.getClientConfiguration(), StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
