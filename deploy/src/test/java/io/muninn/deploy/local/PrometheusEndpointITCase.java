package io.muninn.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The local cluster's Flink process, started as deploy/local starts it (runtime-flink's lib/ and plugins/, the
 * rendered config.yaml), serves Flink's metrics through the Prometheus reporter plugin on the configured port range.
 * The operator's own metrics at a TaskManager's endpoint, with GenerateJob running on the whole local cluster, are
 * checked by ClusterMetricsITCase.
 */
class PrometheusEndpointITCase {
    /** A bound on waiting for the JobManager, so a broken reporter fails the test instead of hanging it. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void theJobManagerServesFlinkMetricsInPrometheusFormat() throws Exception {
        Path runDir = Path.of("target/prometheus-it").toAbsolutePath();
        ClusterJobs.deleteRecursively(runDir);
        ClusterLayout layout = new ClusterLayout(ClusterLayout.findRepoRoot(Path.of("")), runDir);
        FlinkProcesses.writeConfig(layout, ClusterPorts.free(), 1, "1024m", false);
        NodeProcess jobManager = FlinkProcesses.startJobManager(layout);
        try {
            Path log = layout.logDir().resolve("jobmanager.log");
            PrometheusScrape.Result scrape = new PrometheusScrape().until(jobManager, log,
                    text -> text.contains("flink_jobmanager_"), PATIENCE);
            assertThat(scrape.port()).as("the reporter's port (log: %s)", log)
                    .isBetween(PrometheusScrape.FIRST_PORT, PrometheusScrape.LAST_PORT);
            assertThat(scrape.text()).as("/metrics on port %s", scrape.port())
                    .contains("# TYPE flink_jobmanager_Status_JVM_ClassLoader_ClassesLoaded gauge");
        } finally {
            jobManager.stop(Duration.ofSeconds(10));
        }
    }
}
