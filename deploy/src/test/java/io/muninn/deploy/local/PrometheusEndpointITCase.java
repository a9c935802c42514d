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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            // the port this JobManager took (the first free one of the range), from its own log, so that another
            // cluster's endpoint on this machine cannot stand in for it
            Path log = layout.logDir().resolve("jobmanager.log");
            Pattern started = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
            int port = -1;
            String body = "";
            while (!body.contains("flink_jobmanager_") && System.nanoTime() < giveUpAt && jobManager.isAlive()) {
                Matcher m = started.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    body = scrape(http, port);
                }
                Thread.sleep(500);
            }
            assertThat(port).as("the reporter's port (log: %s)", log).isBetween(FIRST_PORT, LAST_PORT);
            assertThat(body).as("/metrics on port %s", port)
                    .contains("# TYPE flink_jobmanager_Status_JVM_ClassLoader_ClassesLoaded gauge");
        } finally {
            jobManager.stop(Duration.ofSeconds(10));
        }
    }

    private static String scrape(HttpClient http, int port) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return ""; // not serving yet
        }
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
