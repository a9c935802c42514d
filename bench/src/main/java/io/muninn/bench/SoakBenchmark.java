package io.muninn.bench;

import io.muninn.flink.RecurrentDepthGeneration;
import io.muninn.jobs.generate.GenerateJob;
import io.muninn.jobs.generate.GenerateJobConfig;
import io.muninn.jobs.local.LocalKafka;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code muninn bench soak}: GenerateJob on a MiniCluster with an in-process Kafka broker, fed by a steady producer
 * faster than the model and read by a throttled {@code read_committed} consumer, for a warm-up and then
 * {@code --minutes}. Reports peak heap and resident memory, the largest active and waiting counts (the operator's
 * gauges, through the MiniCluster's REST API), where the backlog waited, and checkpoint durations (REST
 * {@code /jobs/:id/checkpoints}); then checks that every request completed exactly once, that the bounds held and
 * that the heap after GC stayed flat after warm-up ({@link SoakVerdict}). Exit status 1 when a check failed. The last
 * line is {@code soak: N requests, L lost, D duplicated, heap growth X MB}.
 */
public final class SoakBenchmark {
    private static final String PREFIX = "soak-";

    private SoakBenchmark() {}

    public static void main(String[] args) throws Exception {
        int status = run(SoakSettings.parse(args), System.out);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(SoakSettings s, PrintStream out) throws Exception {
        ModelConfig model = ConfigReader.read(s.model().resolve(ConfigReader.FILE_NAME));
        out.printf(Locale.ROOT, "soak: %s, warm-up %.2f min then %.2f min%s, producer %.0f requests/s (at most %d "
                        + "unanswered), prompts of %d tokens, up to %d new tokens, max %d active / %d waiting, "
                        + "checkpoints every %d ms%s%s, consumer %d records/s%n", s.model().getFileName(), s.warmupMinutes(),
                s.minutes(), s.requests() > 0 ? " or " + s.requests() + " requests" : "", s.rate(), s.backlog(),
                s.promptLength(), s.maxNewTokens(), s.maxActive(), s.maxWaiting(), s.checkpointMs(),
                s.unalignedCheckpoints() ? " (unaligned)" : "", s.bufferDebloat() ? ", buffer debloating" : "",
                s.consumerRate());
        ResidentMemory.resetPeak();
        SoakLedger ledger = new SoakLedger(PREFIX);
        try (LocalKafka kafka = LocalKafka.start(); MiniCluster cluster = cluster(s)) {
            GenerateJobConfig config = GenerateJobConfig.defaults(kafka.bootstrapServers(), PREFIX)
                    .withCheckpointMillis(s.checkpointMs());
            kafka.createTopics(1, config.promptsTopic(), config.tokensTopic(), config.completionsTopic(),
                    config.rejectedTopic());
            JobID job = submit(cluster, s, config);
            FlinkRest rest = new FlinkRest(cluster.getRestAddress().get());
            String jobId = job.toHexString();
            awaitRunning(cluster, job, rest);
            // checkpoints triggered while the tasks start (the operator loads the model) fail before they begin
            long startupFailures = rest.get("/jobs/" + jobId + "/checkpoints").path("counts").path("failed").asLong();
            SoakConsumer consumer = new SoakConsumer(kafka.bootstrapServers(), ledger, config.completionsTopic(),
                    config.tokensTopic(), config.rejectedTopic(), s.consumerRate());
            Thread reader = new Thread(consumer, "soak-consumer");
            reader.setDaemon(true);
            reader.start();
            var pool = PipelineBenchmark.prompts("pool-", 256, s.promptLength(), s.maxNewTokens(),
                    Math.min(model.vocabSize(), 256));
            try (consumer; SoakMonitor monitor = new SoakMonitor(rest, jobId, ledger::produced, s.sampleMs());
                    SoakProducer producer = new SoakProducer(kafka.bootstrapServers(), config.promptsTopic(), ledger,
                            pool, s.rate(), s.backlog())) {
                SoakProducer.Check healthy = () -> {
                    consumer.check();
                    JobStatus status = cluster.getJobStatus(job).get();
                    if (status.isGloballyTerminalState()) {
                        throw new IllegalStateException("the job ended while the soak ran: " + status);
                    }
                };
                producer.run(s.warmupMinutes() * 60, s.warmupCap(), healthy);
                int warmup = ledger.produced();
                awaitSettled(ledger, s, healthy);
                double heapWarm = heapAfterGcMb();
                out.printf(Locale.ROOT, "warm-up: %d requests, heap after GC %.1f MB%n", warmup, heapWarm);
                long t0 = System.nanoTime();
                producer.run(s.minutes() * 60, s.totalCap(), healthy);
                awaitSettled(ledger, s, healthy);
                double seconds = (System.nanoTime() - t0) / 1e9;
                // two more checkpoints: a duplicate committed late would be visible by then
                Thread.sleep(2 * s.checkpointMs() + 500);
                double heapEnd = heapAfterGcMb();
                consumer.finish(Duration.ofMinutes(5));
                JsonNode checkpoints = rest.get("/jobs/" + jobId + "/checkpoints");
                JsonNode restarts = rest.get("/jobs/" + jobId + "/metrics?get=numRestarts");
                SoakLedger.Tally tally = ledger.tally();
                SoakMonitor.Readings seen = monitor.readings();
                SoakVerdict verdict = new SoakVerdict(tally, s.maxActive(), seen.peakActive(), s.maxWaiting(),
                        seen.peakWaiting(), heapEnd - heapWarm, s.maxHeapGrowthMb());
                report(out, s, tally, warmup, seconds, producer, consumer, seen, heapWarm, heapEnd, checkpoints,
                        startupFailures, restarts);
                if (producer.heldShare() == 0 && seen.peakSourceBackpressureMs() < 100) {
                    out.println("note: the producer was never held back and the source hardly backpressured: the "
                            + "model kept up, so this run did not test backpressure; raise --rate");
                }
                for (String v : verdict.violations()) {
                    out.println("FAILED: " + v);
                }
                out.println(verdict.lastLine());
                cluster.cancelJob(job).get();
                return verdict.exitCode();
            }
        }
    }

    private static MiniCluster cluster(SoakSettings s) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(s.sampleMs()));
        conf.set(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED, s.bufferDebloat());
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        return cluster;
    }

    private static JobID submit(MiniCluster cluster, SoakSettings s, GenerateJobConfig config) throws Exception {
        Configuration job = new Configuration();
        job.set(CheckpointingOptions.ENABLE_UNALIGNED, s.unalignedCheckpoints());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, job);
        GenerateJob.build(env, config, RecurrentDepthGeneration.builder().setModel(s.model())
                .setMaxActiveSequences(s.maxActive()).setMaxWaitingSequences(s.maxWaiting()).build());
        return cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
    }

    /** Waits until the job and each of its tasks run (the operator has loaded the model by then). */
    private static void awaitRunning(MiniCluster cluster, JobID job, FlinkRest rest) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (cluster.getJobStatus(job).get() != JobStatus.RUNNING || !tasksRunning(rest, job.toHexString())) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the job is not running after 2 minutes: " + cluster.getJobStatus(job).get());
            }
            Thread.sleep(50);
        }
    }

    private static boolean tasksRunning(FlinkRest rest, String jobId) throws Exception {
        for (JsonNode v : rest.get("/jobs/" + jobId).path("vertices")) {
            if (!v.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    /** Waits until every produced request came back (a completion or a rejection), checking the run's health. */
    private static void awaitSettled(SoakLedger ledger, SoakSettings s, SoakProducer.Check healthy) throws Exception {
        long end = System.nanoTime() + (long) (s.drainMinutes() * 60e9);
        while (ledger.settled() < ledger.produced()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(String.format("%d of %d requests still unanswered after %.1f minutes",
                        ledger.produced() - ledger.settled(), ledger.produced(), s.drainMinutes()));
            }
            healthy.run();
            Thread.sleep(100);
        }
    }

    /** Heap in use after two full collections, MB. */
    private static double heapAfterGcMb() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    private static void report(PrintStream out, SoakSettings s, SoakLedger.Tally t, int warmup, double seconds,
            SoakProducer producer, SoakConsumer consumer, SoakMonitor.Readings m, double heapWarm, double heapEnd,
            JsonNode checkpoints, long startupFailures, JsonNode restarts) {
        JsonNode counts = checkpoints.path("counts");
        JsonNode e2e = checkpoints.path("summary").path("end_to_end_duration");
        String restartCount = restarts.isArray() && restarts.size() > 0 ? restarts.get(0).path("value").asText() : "?";
        out.printf("%n| measure | value |%n|---|---:|%n");
        row(out, "requests produced (warm-up + soak)", "%d (%d + %d)", t.produced(), warmup, t.produced() - warmup);
        row(out, "soak phase: seconds to the last answer, requests/s", "%.1f, %.1f", seconds,
                (t.produced() - warmup) / seconds);
        row(out, "completed, lost, duplicated, rejected", "%d, %d, %d, %d", t.completed(), t.lost(), t.duplicated(),
                t.rejected());
        row(out, "token events duplicated, missing; records read", "%d, %d; %d", t.tokenDuplicates(), t.tokensMissing(),
                consumer.records());
        row(out, "producer held back by the backlog limit", "%.0f%% of its time", 100 * producer.heldShare());
        row(out, "largest active sequences (max-active-sequences)", "%d (%d)", m.peakActive(), s.maxActive());
        row(out, "largest waiting sequences (max-waiting-sequences)", "%d (%d)", m.peakWaiting(), s.maxWaiting());
        row(out, "mean active, mean waiting (sampled)", "%.1f, %.1f", m.meanActive(), m.meanWaiting());
        row(out, "most requests still in Kafka, held back by backpressure", "%d", m.peakInKafka());
        row(out, "most requests in Flink's network buffers before the operator", "%d", m.peakInNetwork());
        row(out, "source backpressured, most ms per second", "%.0f", m.peakSourceBackpressureMs());
        row(out, "checkpoints completed, failed (while the tasks started); job restarts", "%s, %s (%d); %s",
                counts.path("completed").asText("?"), counts.path("failed").asText("?"), startupFailures, restartCount);
        row(out, "checkpoint end-to-end ms: min, avg, p99, max", "%.0f, %.0f, %.0f, %.0f",
                e2e.path("min").asDouble(-1), e2e.path("avg").asDouble(-1), e2e.path("p99").asDouble(-1),
                e2e.path("max").asDouble(-1));
        m.failedCheckpoints().forEach((message, n) ->
                row(out, "failed checkpoints seen, by reason", "%d: %s", n, message));
        row(out, "peak heap used MB (sampled)", "%.1f", m.peakHeapBytes() / 1e6);
        row(out, "heap after GC MB: warm-up end, end", "%.1f, %.1f", heapWarm, heapEnd);
        row(out, "peak resident MB (VmHWM, whole process)", "%d", ResidentMemory.peakMb());
        row(out, "metric samples (failed)", "%d (%d)", m.samples(), m.failedSamples());
        if (m.lastFailure() != null) {
            out.println("last failed metric sample: " + m.lastFailure());
        }
    }

    private static void row(PrintStream out, String what, String format, Object... values) {
        out.printf("| %s | %s |%n", what, String.format(Locale.ROOT, format, values));
    }
}
