package io.muninn.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * Samples, every few hundred milliseconds while the soak runs: this JVM's heap, the operator's
 * {@code muninn.activeSequences} and {@code muninn.waitingSequences} gauges and the source's
 * {@code backPressuredTimeMsPerSecond} through the MiniCluster's REST API, and where requests are (still in Kafka:
 * produced but not yet read by the source; in Flink's network buffers: read by the source but not yet by the
 * operator). Keeps the largest value of each.
 */
final class SoakMonitor implements AutoCloseable {
    static final String ACTIVE = ".muninn.activeSequences";
    static final String WAITING = ".muninn.waitingSequences";
    static final String BACKPRESSURED = ".backPressuredTimeMsPerSecond";
    /** The soak job's vertices, by the names GenerateJob gives them. */
    static final String SOURCE = "Kafka prompts";
    static final String OPERATOR = "Recurrent-depth generation";

    private final FlinkRest rest;
    private final String jobId;
    private final String sourceVertex;
    private final String operatorVertex;
    private final IntSupplier produced;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-monitor");
        t.setDaemon(true);
        return t;
    });

    private volatile long peakHeapBytes;
    private volatile int peakActive = -1;
    private volatile int peakWaiting = -1;
    private volatile double peakSourceBackpressureMs;
    private volatile long peakInKafka;
    private volatile long peakInNetwork;
    private volatile long samples;
    private volatile long operatorSamples;
    private volatile double activeSum;
    private volatile double waitingSum;
    private volatile long failedSamples;
    private volatile String lastFailure;
    private final Map<Long, String> failedCheckpoints = new ConcurrentHashMap<>();

    /** Starts sampling the soak job's source ({@value #SOURCE}) and operator ({@value #OPERATOR}) vertices. */
    SoakMonitor(FlinkRest rest, String jobId, IntSupplier produced, long periodMs)
            throws IOException, InterruptedException {
        this.rest = rest;
        this.jobId = jobId;
        this.sourceVertex = rest.vertexId(jobId, SOURCE);
        this.operatorVertex = rest.vertexId(jobId, OPERATOR);
        this.produced = produced;
        timer.scheduleWithFixedDelay(this::sample, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        peakHeapBytes = Math.max(peakHeapBytes, memory.getHeapMemoryUsage().getUsed());
        try {
            int sent = produced.getAsInt();
            Map<String, Double> op = rest.metrics(jobId, operatorVertex, List.of(ACTIVE, WAITING));
            if (op.containsKey(ACTIVE)) {
                peakActive = Math.max(peakActive, op.get(ACTIVE).intValue());
            }
            if (op.containsKey(WAITING)) {
                peakWaiting = Math.max(peakWaiting, op.get(WAITING).intValue());
            }
            if (op.containsKey(ACTIVE) && op.containsKey(WAITING)) {
                activeSum += op.get(ACTIVE);
                waitingSum += op.get(WAITING);
                operatorSamples++;
            }
            Double bp = rest.metrics(jobId, sourceVertex, List.of(BACKPRESSURED)).get(BACKPRESSURED);
            if (bp != null) {
                peakSourceBackpressureMs = Math.max(peakSourceBackpressureMs, bp);
            }
            long sourceOut = rest.records(jobId, sourceVertex)[1];
            long operatorIn = rest.records(jobId, operatorVertex)[0];
            if (sourceOut >= 0 && operatorIn >= 0) {
                peakInKafka = Math.max(peakInKafka, sent - sourceOut);
                peakInNetwork = Math.max(peakInNetwork, sourceOut - operatorIn);
            }
            if (samples % 4 == 0) {
                // the REST API keeps only the last few checkpoints (web.checkpoints.history): collect failures as they pass
                for (JsonNode c : rest.get("/jobs/" + jobId + "/checkpoints").path("history")) {
                    if (c.path("status").asText().equals("FAILED")) {
                        failedCheckpoints.putIfAbsent(c.path("id").asLong(), c.path("failure_message").asText("?"));
                    }
                }
            }
            samples++;
        } catch (Exception e) {
            failedSamples++;
            lastFailure = e.toString();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What the monitor has seen so far: the largest values, the sampled means of the operator's gauges (-1 before
     * its first sample), failed checkpoints seen in the REST history counted by failure message, and how many
     * samples ran and failed (with the last failure, or null).
     */
    record Readings(long peakHeapBytes, int peakActive, int peakWaiting, double meanActive, double meanWaiting,
            double peakSourceBackpressureMs, long peakInKafka, long peakInNetwork,
            Map<String, Integer> failedCheckpoints, long samples, long failedSamples, String lastFailure) {}

    Readings readings() {
        Map<String, Integer> failures = new TreeMap<>();
        failedCheckpoints.values().forEach(message -> failures.merge(message, 1, Integer::sum));
        double samplesSeen = operatorSamples;
        return new Readings(peakHeapBytes, peakActive, peakWaiting, samplesSeen == 0 ? -1 : activeSum / samplesSeen,
                samplesSeen == 0 ? -1 : waitingSum / samplesSeen, peakSourceBackpressureMs, peakInKafka, peakInNetwork,
                failures, samples, failedSamples, lastFailure);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
