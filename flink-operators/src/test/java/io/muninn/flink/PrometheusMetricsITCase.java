package io.muninn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's Prometheus reporter, configured as deploy/local and deploy/k8s configure it, on a loopback port of a
 * MiniCluster: while the operator serves a steady stream of requests under a 1 ns TPOT target, a scrape of
 * {@code /metrics} shows the TTFT and TPOT histograms with samples, the queue, the rows per step and a relaxation
 * stage above 0, under the names flink-operators/README.md documents.
 */
class PrometheusMetricsITCase {
    private static final int PORT = freePort();
    private static final String PREFIX = "flink_taskmanager_job_task_operator_muninn_";
    /** A bound on waiting for the first samples, so a broken reporter fails the test instead of hanging it. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(reporterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static Configuration reporterConfig() {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(PORT));
        return conf;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PromptRequest request(long i) {
        return PromptRequest.newBuilder()
                .setRequestId("prom-" + i)
                .setInput(PromptInput.newBuilder().setTokenIds(List.of(90, (int) (i % 80) + 1, 7)).build())
                .setGeneration(Generation.newBuilder().setMaxNewTokens(6).setMaxSteps(16).build())
                .build();
    }

    @Test
    void theOperatorsMetricsAreAtThePrometheusEndpoint() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        var source = new DataGeneratorSource<>((GeneratorFunction<Long, RequestEnvelope>) i ->
                RequestEnvelope.of(request(i)), Long.MAX_VALUE, RateLimiterStrategy.perSecond(20), RequestEnvelope.TYPE);
        GenerationStreams out = TestRequests.tinyRandom().setMaxActiveSequences(4).setTpotTarget(Duration.ofNanos(1))
                .setLatencyControl(Duration.ofHours(1), Duration.ZERO, 4).build()
                .apply(env.fromSource(source, WatermarkStrategy.noWatermarks(), "requests"));
        out.tokens().sinkTo(new DiscardingSink<>());
        out.completions().sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("prometheus metrics");
        try {
            HttpClient http = HttpClient.newHttpClient();
            long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
            String text = "";
            while (System.nanoTime() < giveUpAt) {
                text = scrape(http);
                if (value(text, "ttftMillis_count") > 0 && value(text, "tpotMicros_count") > 0
                        && value(text, "relaxationStage") > 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(value(text, "ttftMillis_count")).as("TTFT samples in:%n%s", text).isPositive();
            assertThat(value(text, "tpotMicros_count")).as("TPOT samples").isPositive();
            assertThat(text).contains(PREFIX + "tpotMicros{").contains("quantile=\"0.99\"");
            assertThat(value(text, "relaxationStage")).as("stage under a 1 ns target").isBetween(1.0, 4.0);
            assertThat(value(text, "rowsPerStep_count")).as("active rows per step").isPositive();
            assertThat(value(text, "waitingSequences")).as("queue length").isNotNegative();
            assertThat(value(text, "activeSequences")).isBetween(0.0, 4.0);
        } finally {
            job.cancel().get();
        }
    }

    private static String scrape(HttpClient http) throws IOException, InterruptedException {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            return http.send(get, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.net.ConnectException e) {
            return ""; // the reporter starts with the cluster; try again
        }
    }

    /** The value of the first sample of {@code muninn_<name>}; -1 when it is not (yet) there. */
    private static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(PREFIX + name) + "\\{[^}]*\\} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
