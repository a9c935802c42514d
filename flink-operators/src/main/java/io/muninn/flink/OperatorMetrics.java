package io.muninn.flink;

import io.muninn.model.scheduler.SchedulerStats;
import io.muninn.model.scheduler.StepReport;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.weights.SharedWeights;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The operator's metrics, under the group {@code muninn} of the operator's metric group (names in the README):
 * {@code stepsPerToken} (histogram), {@code tokensConverged} / {@code tokensMaxSteps} (exit reasons),
 * {@code tokensPerSecond} (meter), {@code completions.<reason>}, {@code activeSequences}, {@code waitingSequences},
 * {@code rowsPerStep} (histogram), {@code kvBytesInUse}, {@code replayMillis} (time from restore until every
 * restored sequence is producing new tokens again), {@code replayComputeMillis}, {@code replayedPositions},
 * {@code replaySlices} and {@code replayingSequences} (the replay's work, a slice per step),
 * {@code preemptions}, {@code rejected}, {@code cancelsIgnored} (cancels for requests that were not running),
 * {@code weightsBytes} and
 * {@code weightsSharedBy} (the size of the task manager's one copy of the weights and how many operator instances hold
 * it now; every instance on a task manager reports the same copy), {@code ttftMillis} (histogram: acceptance to
 * first token, processing time, as the completion's {@code first_token_ms}), {@code tpotMicros} (histogram: the gap
 * between two consecutive tokens of one request, monotonic clock) and {@code relaxationStage} (the latency target's
 * stage in force; 0 without a target).
 */
final class OperatorMetrics {
    private static final int WINDOW = 1024;

    private final Histogram stepsPerToken = new DescriptiveStatisticsHistogram(WINDOW);
    private final Histogram rowsPerStep = new DescriptiveStatisticsHistogram(WINDOW);
    private final Histogram ttftMillis = new DescriptiveStatisticsHistogram(WINDOW);
    private final Histogram tpotMicros = new DescriptiveStatisticsHistogram(WINDOW);
    private final Counter converged;
    private final Counter maxSteps;
    private final Counter rejected;
    private final Counter cancelsIgnored;
    private final Meter tokensPerSecond;
    private final Counter replayedPositions;
    private final Counter replaySlices;
    private final Counter preemptions;
    private final SchedulerStats stats;
    private final StepScheduler scheduler;
    private final Map<io.muninn.model.generate.FinishReason, Counter> completions =
            new EnumMap<>(io.muninn.model.generate.FinishReason.class);
    private volatile long kvBytes;
    private volatile long replayMillis = -1;
    private volatile double replayComputeMillis;
    private volatile int replaying;

    OperatorMetrics(MetricGroup operatorGroup, StepScheduler scheduler, SharedWeights.Lease weights) {
        MetricGroup g = operatorGroup.addGroup("muninn");
        g.histogram("stepsPerToken", stepsPerToken);
        g.histogram("rowsPerStep", rowsPerStep);
        g.histogram("ttftMillis", ttftMillis);
        g.histogram("tpotMicros", tpotMicros);
        g.gauge("relaxationStage", scheduler::relaxationStage);
        converged = g.counter("tokensConverged");
        maxSteps = g.counter("tokensMaxSteps");
        rejected = g.counter("rejected");
        cancelsIgnored = g.counter("cancelsIgnored");
        Counter tokens = g.counter("tokens");
        tokensPerSecond = g.meter("tokensPerSecond", new MeterView(tokens));
        MetricGroup c = g.addGroup("completions");
        for (var reason : io.muninn.model.generate.FinishReason.values()) {
            completions.put(reason, c.counter(reason.name().toLowerCase(java.util.Locale.ROOT)));
        }
        g.gauge("activeSequences", scheduler::activeCount);
        g.gauge("waitingSequences", scheduler::waitingCount);
        g.gauge("kvBytesInUse", () -> kvBytes);
        g.gauge("replayMillis", () -> replayMillis);
        g.gauge("replayComputeMillis", () -> replayComputeMillis);
        g.gauge("replayingSequences", () -> replaying);
        replayedPositions = g.counter("replayedPositions");
        replaySlices = g.counter("replaySlices");
        preemptions = g.counter("preemptions");
        this.scheduler = scheduler;
        this.stats = scheduler.stats();
        g.gauge("weightsBytes", weights::bytes);
        g.gauge("weightsSharedBy", weights::users);
    }

    void onStep(StepReport report) {
        if (report.rows() > 0) {
            rowsPerStep.update(report.rows());
        }
        kvBytes = report.kvBytesInUse();
        // the scheduler's running totals, read on the task thread; the reporter thread reads the copies
        replayedPositions.inc(stats.replayedPositions() - replayedPositions.getCount());
        replaySlices.inc(stats.replaySlices() - replaySlices.getCount());
        preemptions.inc(stats.preemptions() - preemptions.getCount());
        replayComputeMillis = stats.lockstepReplayNanos() / 1e6;
        replaying = scheduler.replayingCount();
    }

    void onToken(int exitStep, boolean hasConverged) {
        stepsPerToken.update(exitStep);
        (hasConverged ? converged : maxSteps).inc();
        tokensPerSecond.markEvent();
    }

    void onFirstToken(long millisSinceAcceptance) {
        ttftMillis.update(millisSinceAcceptance);
    }

    void onTokenGap(long nanos) {
        tpotMicros.update(nanos / 1_000);
    }

    void onCompletion(io.muninn.model.generate.FinishReason reason) {
        completions.get(reason).inc();
    }

    /** A cancel ended a sequence: the KV it held is free now, before the next step reports it. */
    void onKvBytes(long bytes) {
        kvBytes = bytes;
    }

    /** A cancel for a request that is not live (unknown, finished or cancelled already). */
    void onCancelIgnored() {
        cancelsIgnored.inc();
    }

    void onRejected() {
        rejected.inc();
    }

    void onReplayDone(long millis) {
        replayMillis = millis;
    }
}
