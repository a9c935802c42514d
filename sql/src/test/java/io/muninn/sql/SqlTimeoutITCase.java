package io.muninn.sql;

import static io.muninn.sql.SqlFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A row that ML_PREDICT's {@code timeout} gives up on stops using the shared engine's steps: the task fails with
 * Flink's TimeoutException, closes its predictor, and the predictor cancels its rows in the engine, which outlives the
 * task while another user (here, the test) holds it.
 */
class SqlTimeoutITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** A bound on waiting for the cancel, so that a row left running fails the test instead of hanging it. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void aTimedOutRowIsCancelledInTheEngine() throws Exception {
        // fixed depth of 30000 steps a token (150000 steps for the prefill and 4 tokens) takes far longer than the
        // timeout; the KV cache a row reserves grows with max-steps, hence the larger budget
        String[] options = {"exit.criterion", "none", "max-steps", "30000", "kv.budget", "512mb"};
        ModelSettings settings = SqlPredictITCase.annotateSettings(options);
        StringBuilder sqlOptions = new StringBuilder(ANNOTATE_OPTIONS);
        for (int i = 0; i < options.length; i += 2) {
            sqlOptions.append(", '").append(options[i]).append("' = '").append(options[i + 1]).append("'");
        }
        try (EngineRegistry.Lease other = EngineRegistry.acquire(settings.engine(), OptionalInt.empty())) {
            long cancelledBefore = other.engine.cancelledRows();
            StreamTableEnvironment t = tableEnv(1);
            t.executeSql("CREATE TEMPORARY VIEW slow_rows AS SELECT * FROM (VALUES ('r1', '212k2122f1')) AS v(id, cells)");
            t.executeSql(createModel("m", "id STRING, cells STRING", sqlOptions.toString()));

            Map<String, String> rows = null;
            Throwable failure = null;
            try {
                rows = SqlPredictITCase.results(t, "SELECT id, answer, output_tokens, mean_steps, finish_reason, "
                        + "exit_steps FROM ML_PREDICT(TABLE slow_rows, MODEL m, DESCRIPTOR(id, cells), "
                        + "MAP['timeout', '1s'])");
            } catch (Exception e) {
                failure = e;
            }
            assertThat(failure).as("the job's failure (rows: %s)", rows).isNotNull();
            assertThat(ExceptionUtils.findThrowable(failure, TimeoutException.class)).as("%s", failure).isPresent();

            long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
            while (other.engine.cancelledRows() == cancelledBefore && System.nanoTime() < giveUpAt) {
                Thread.sleep(50);
            }
            assertThat(other.engine.cancelledRows()).as("rows the engine cancelled").isEqualTo(cancelledBefore + 1);
        }
    }
}
