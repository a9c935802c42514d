package io.muninn.sql;

import static io.muninn.sql.SqlFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.flink.RecoveryTesting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad rows (rejected or failing the job, as error-handling says) and a restore after an injected failure, on a
 * MiniCluster.
 */
class SqlRowsITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final String GOOD = "<|begin_text|>212k2122f1j1v1111wn221k111tm11g111221f1v1hx2i2vp211=";

    static void badRows(StreamTableEnvironment t) {
        t.executeSql("CREATE TEMPORARY VIEW bad AS SELECT * FROM (VALUES ('null', CAST(NULL AS STRING)), "
                + "('empty', ''), ('long', REPEAT('1', 400)), ('good', '" + GOOD + "')) AS v(id, prompt)");
    }

    static Map<String, String> reasons(StreamTableEnvironment t, String query) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (CloseableIterator<Row> rows = t.executeSql(query).collect()) {
            rows.forEachRemaining(r -> out.put(r.getFieldAs("id"), r.getFieldAs("finish_reason")));
        }
        return out;
    }

    @Test
    void badRowsAreRejectedRowsNamingTheReason() throws Exception {
        StreamTableEnvironment t = tableEnv(1);
        badRows(t);
        t.executeSql(createModel("m", "id STRING, prompt STRING",
                "'prompt-template' = '{prompt}', 'id-column' = 'id', 'max-new-tokens' = '4'"));
        Map<String, String> reasons = reasons(t,
                "SELECT id, finish_reason FROM ML_PREDICT(TABLE bad, MODEL m, DESCRIPTOR(id, prompt))");
        assertThat(reasons).hasSize(4);
        assertThat(reasons.get("null")).isEqualTo("rejected: column prompt is NULL");
        assertThat(reasons.get("empty")).isEqualTo("rejected: column prompt is an empty prompt");
        assertThat(reasons.get("long")).startsWith("rejected: ").contains("256");
        assertThat(reasons.get("good")).isIn("stop", "length");
    }

    @Test
    void withErrorHandlingFailABadRowFailsTheJobNamingTheRow() {
        StreamTableEnvironment t = tableEnv(1);
        badRows(t);
        t.executeSql(createModel("m", "id STRING, prompt STRING",
                "'prompt-template' = 'Q: {prompt}', 'id-column' = 'id', 'error-handling' = 'fail'"));
        Throwable thrown = null;
        try {
            reasons(t, "SELECT id, finish_reason FROM ML_PREDICT(TABLE bad, MODEL m, DESCRIPTOR(id, prompt)) "
                    + "WHERE id = 'null'");
        } catch (Exception e) {
            thrown = e;
        }
        assertThat(thrown).isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable c = thrown; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        assertThat(all.toString()).contains("cannot run the row (id='null', prompt=NULL): column prompt is NULL",
                "'error-handling' = 'FAIL'");
    }

    /** Fails the job once, when the {@code at}-th answer of the first attempt passes. */
    public static final class FailOnce extends ScalarFunction {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger SEEN = new AtomicInteger();

        public String eval(String id, Integer at) {
            if (!FAILED.get() && SEEN.incrementAndGet() >= at) {
                FAILED.set(true);
                throw new IllegalStateException("injected failure at " + id);
            }
            return id;
        }
    }

    @Test
    void aRestoreAfterAFailureGivesTheAnswersOfAFailureFreeRun(@InjectMiniCluster MiniCluster mini) throws Exception {
        StreamExecutionEnvironment env = RecoveryTesting.restartingEnvironment();
        env.enableCheckpointing(50);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        samplesTable(t);
        // sampling, so the answers depend on the seeds: a re-issued row must draw what it drew the first time; the
        // failure comes at the 18th answer of 24, after the first checkpoints (50 ms apart), so the restart restores one
        t.executeSql(createModel("m", "id STRING, cells STRING", ANNOTATE_OPTIONS
                + ", 'temperature' = '1.5', 'exit.threshold' = '0.01'"));
        t.createTemporarySystemFunction("fail_once", FailOnce.class);
        String query = "SELECT fail_once(id, %d) AS id, answer, exit_steps "
                + "FROM ML_PREDICT(TABLE samples, MODEL m, DESCRIPTOR(id, cells), MAP['max-concurrent-operations', '4'])";

        FailOnce.FAILED.set(true); // a failure-free run first
        Map<String, List<String>> clean = answers(t, String.format(query, 0), null);
        FailOnce.FAILED.set(false);
        FailOnce.SEEN.set(0);
        JobID[] job = new JobID[1];
        Map<String, List<String>> restored = answers(t, String.format(query, 18), job);
        assertThat(FailOnce.FAILED).as("the failure was injected").isTrue();
        assertThat(mini.getArchivedExecutionGraph(job[0]).get().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the job was restored from a checkpoint").isNotNull();

        assertThat(clean).hasSize(24).allSatisfy((id, values) -> assertThat(values).hasSize(1));
        assertThat(restored.keySet()).isEqualTo(clean.keySet());
        restored.forEach((id, values) -> assertThat(values).as(id).containsOnly(clean.get(id).get(0)));
    }

    static Map<String, List<String>> answers(StreamTableEnvironment t, String query, JobID[] job) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        var result = t.executeSql(query);
        if (job != null) {
            job[0] = result.getJobClient().orElseThrow().getJobID();
        }
        try (CloseableIterator<Row> rows = result.collect()) {
            rows.forEachRemaining(r -> out.computeIfAbsent(r.getFieldAs("id"), k -> new ArrayList<>())
                    .add(r.getField("answer") + "|" + java.util.Arrays.toString((Integer[]) r.getField("exit_steps"))));
        }
        return out;
    }
}
