package io.muninn.sql;

import static io.muninn.sql.SqlFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code total-steps-budget} model option binds every row's compute, as the wire's budget binds a request's. */
class SqlStepBudgetITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @Test
    void aStepBudgetCapsEveryRowsStepsAsTheSchedulerDoes() throws Exception {
        StreamTableEnvironment t = tableEnv(1);
        samplesTable(t);
        // fixed depth: without a budget every token runs max-steps 32. With 40 for at most 4 tokens, token i may run
        // what is left after one step for each later token: 32 (40 - 3, at most 32), then 6, 1, 1
        t.executeSql(createModel("m", "id STRING, cells STRING",
                ANNOTATE_OPTIONS + ", 'exit.criterion' = 'none', 'total-steps-budget' = '40'"));
        Map<String, String> rows = SqlPredictITCase.results(t, String.format(SqlPredictITCase.QUERY, ""));

        assertThat(rows).hasSize(24).isEqualTo(SqlPredictITCase.expected(
                SqlPredictITCase.annotateSettings("exit.criterion", "none", "total-steps-budget", "40")));
        List<String> capped = List.of("|[32]", "|[32, 6]", "|[32, 6, 1]", "|[32, 6, 1, 1]");
        assertThat(rows.values()).allMatch(r -> capped.stream().anyMatch(r::endsWith), "exit steps a prefix of 32, 6, 1, 1")
                .anyMatch(r -> r.contains("|[32, 6"));
    }
}
