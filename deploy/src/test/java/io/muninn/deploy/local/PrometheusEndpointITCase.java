package io.muninn.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local cluster's Flink process, started as deploy/local starts it (runtime-flink's lib/ and plugins/, the
 * rendered config.yaml), serves Flink's metrics through the Prometheus reporter plugin on the configured port range.
 * The operator's own metrics at such an endpoint are checked on a MiniCluster by flink-operators'
 * PrometheusMetricsITCase, which needs no job jar.
 */
class PrometheusEndpointITCase {
    /** The range in deploy/local/conf/config.yaml. */
    private static final int FIRST_PORT = 9249;
    private static final int LAST_PORT = 9259;
    /** A bound on waiting for the JobManager, so a broken reporter fails the test instead of hanging it. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void theJobManagerServesFlinkMetricsInPrometheusFormat() throws Exception {
        Path runDir = Path.of("target/prometheus-it").toAbsolutePath();
        deleteRecursively(runDir);
        ClusterLayout layout = new ClusterLayout(ClusterLayout.findRepoRoot(Path.of("")), runDir);
        FlinkProcesses.writeConfig(layout, ClusterPorts.free(), 1, "1024m", false);
        NodeProcess jobManager = FlinkProcesses.startJobManager(layout);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
            String found = "";
            while (found.isEmpty() && System.nanoTime() < giveUpAt && jobManager.isAlive()) {
                found = scrapeAny(http);
                Thread.sleep(500);
            }
            assertThat(found).as("a Prometheus endpoint in %s-%s (log: %s)", FIRST_PORT, LAST_PORT, jobManager.log())
                    .contains("# TYPE flink_jobmanager_Status_JVM_ClassLoader_ClassesLoaded gauge");
            assertThat(Files.readString(layout.logDir().resolve("jobmanager.log")))
                    .contains("Started PrometheusReporter HTTP server on port");
        } finally {
            jobManager.stop(Duration.ofSeconds(10));
        }
    }

    /** The first endpoint of the range that shows JobManager metrics; empty when none does (yet). */
    private static String scrapeAny(HttpClient http) throws InterruptedException {
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("flink_jobmanager_")) {
                    return body;
                }
            } catch (IOException e) {
                // nothing on this port (or another program's): try the next
            }
        }
        return "";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
