package io.muninn.deploy.local;

import static io.muninn.deploy.local.PrometheusScrape.quantile;
import static io.muninn.deploy.local.PrometheusScrape.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Completion;
import io.muninn.schemas.PromptRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator's metrics at the local cluster's Prometheus endpoint: GenerateJob runs on real processes (a KRaft
 * broker, a JobManager, one TaskManager) as deploy/local runs it, serves prompts of the bundled tiny model from
 * Kafka, and a scrape of the TaskManager's {@code /metrics} over loopback then shows the TTFT and TPOT histograms
 * with one sample per request and per token gap, the token count, an empty queue, the rows per step and relaxation
 * stage 0 (no latency target), under the names flink-operators/README.md documents. Run alone with
 * {@code mvn -pl deploy -am test -Dtest=ClusterMetricsITCase -Dsurefire.failIfNoSpecifiedTests=false}; logs stay in
 * deploy/target/metrics-it/log.
 */
@Tag("cluster")
class ClusterMetricsITCase {
    private static final String MUNINN = "flink_taskmanager_job_task_operator_muninn_";
    private static final int PROMPTS = 24;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    /** A bound on waiting for the scrape to show every request, so a broken reporter fails instead of hanging. */
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterJobs.start("metrics-it", new LocalCluster.Options(1, 1, "1600m", false, null));
    }

    @AfterAll
    static void stopCluster() {
        ClusterJobs.stop(cluster);
    }

    @Test
    void theOperatorsMetricsAreAtTheTaskManagersPrometheusEndpoint() throws Exception {
        List<String> topics = ClusterJobs.topics(cluster, "pm");
        List<PromptRequest> prompts = JumpPrompts.load(ClusterJobs.MODEL, "pm-", PROMPTS);
        String job = ClusterJobs.submit(cluster, topics, 1, null);
        long tokens;
        long gaps;
        try (var producer = ClusterJobs.producer(cluster); var out = ClusterJobs.output(cluster, topics)) {
            ClusterJobs.send(producer, topics.get(0), prompts);
            out.awaitCompletions(PROMPTS, RUN_TIMEOUT);
            assertThat(out.rejected).isEmpty();
            List<Completion> completions = out.completed.values().stream().map(c -> c.get(0)).toList();
            tokens = completions.stream().mapToLong(Completion::getGeneratedTokens).sum();
            gaps = tokens - completions.size();
        }

        NodeProcess taskManager = cluster.taskManagers().get(0);
        Path log = cluster.layout().logDir().resolve(taskManager.name() + ".log");
        PrometheusScrape.Result scrape = new PrometheusScrape().until(taskManager, log,
                text -> value(text, MUNINN + "ttftMillis_count") >= PROMPTS, PATIENCE);
        String text = scrape.text();
        assertThat(scrape.port()).as("the TaskManager's reporter port (log: %s)", log)
                .isBetween(PrometheusScrape.FIRST_PORT, PrometheusScrape.LAST_PORT);
        assertThat(text).as("/metrics on port %s", scrape.port())
                .contains("# TYPE " + MUNINN + "ttftMillis summary")
                .contains("# TYPE " + MUNINN + "tpotMicros summary")
                .contains("# TYPE " + MUNINN + "relaxationStage gauge");

        // one TTFT sample per request, one TPOT sample per gap between two tokens of a request
        assertThat(value(text, MUNINN + "ttftMillis_count")).as("TTFT samples").isEqualTo(PROMPTS);
        assertThat(value(text, MUNINN + "tpotMicros_count")).as("TPOT samples").isEqualTo(gaps);
        assertThat(value(text, MUNINN + "tokens")).as("tokens emitted").isEqualTo(tokens);
        assertThat(value(text, MUNINN + "completions_stop") + value(text, MUNINN + "completions_length"))
                .as("completions stop + length").isEqualTo(PROMPTS);
        assertThat(quantile(text, MUNINN + "ttftMillis", "0.5")).as("TTFT median").isNotNegative()
                .isLessThanOrEqualTo(quantile(text, MUNINN + "ttftMillis", "0.99"));
        assertThat(quantile(text, MUNINN + "tpotMicros", "0.5")).as("TPOT median").isPositive();

        // every request finished: nothing waits or runs; no latency target, so the stage stays 0
        assertThat(value(text, MUNINN + "relaxationStage")).as("relaxation stage").isZero();
        assertThat(value(text, MUNINN + "waitingSequences")).as("queue length").isZero();
        assertThat(value(text, MUNINN + "activeSequences")).as("active sequences").isZero();
        assertThat(value(text, MUNINN + "rowsPerStep_count")).as("steps with rows").isPositive();
        assertThat(quantile(text, MUNINN + "rowsPerStep", "0.999")).as("rows per step, top").isGreaterThanOrEqualTo(1);

        cluster.rest().cancel(job);
    }
}
