package io.muninn.flink;

import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.RequestLifecycle;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import io.muninn.schemas.TokenEvent;
import java.util.function.LongSupplier;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Delivers what the scheduler releases, on the task thread inside a step or a timer: each token as a
 * {@link TokenEvent} on the main output, each finished request as a completion on
 * {@link RecurrentDepthOperator#COMPLETIONS}, whose keyed state and deadline timer it then drops. It reads each
 * request's operator facts from the scheduler's lifecycle ({@link RequestFacts}, the lifecycle's attachment).
 */
final class RecordDelivery implements GenerationListener {
    private final Output<StreamRecord<TokenEvent>> output;
    private final KeyedSequences keyed;
    private final ReplayTiming replay = new ReplayTiming();
    private final LongSupplier clockMs;
    private final OutputRecords records;
    private StepScheduler scheduler;
    private OperatorMetrics metrics;

    RecordDelivery(Output<StreamRecord<TokenEvent>> output, KeyedSequences keyed, LongSupplier clockMs,
            OutputRecords records) {
        this.output = output;
        this.keyed = keyed;
        this.clockMs = clockMs;
        this.records = records;
    }

    /** Binds the scheduler this listener serves and the metrics it feeds; before the first step. */
    void bind(StepScheduler scheduler, OperatorMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** The restore's replay time, which this delivery stops as restored requests produce tokens or end. */
    ReplayTiming replay() {
        return replay;
    }

    @Override
    public void onAdmitted(String requestId) {
        facts(scheduler.lifecycle(requestId)).admittedAtMs = clockMs.getAsLong();
    }

    @Override
    public void onToken(TokenOutput token) {
        long now = clockMs.getAsLong();
        RequestLifecycle l = scheduler.lifecycle(token.requestId());
        RequestFacts f = facts(l);
        if (f.firstTokenAtMs < 0) {
            f.firstTokenAtMs = now;
            metrics.onFirstToken(now - f.acceptedAtMs);
        }
        if (l.lastTokenGapNanos() >= 0) {
            metrics.onTokenGap(l.lastTokenGapNanos());
        }
        f.dirty = true;
        settle(f, now);
        metrics.onToken(token.exitStep(), token.converged());
        output.collect(new StreamRecord<>(OutputRecords.token(token, now)));
    }

    @Override
    public void onFinished(SequenceOutcome outcome) {
        complete(facts(scheduler.lifecycle(outcome.requestId())), outcome);
    }

    /** Emits the completion of a request with facts {@code f} and drops its keyed state and timer. */
    void complete(RequestFacts f, SequenceOutcome outcome) {
        long now = clockMs.getAsLong();
        settle(f, now);
        output.collect(RecurrentDepthOperator.COMPLETIONS, new StreamRecord<>(
                records.completion(outcome, f, now)));
        metrics.onCompletion(outcome.reason());
        keyed.clear(outcome.requestId(), f.deadlineMs());
    }

    private void settle(RequestFacts f, long now) {
        long replayMillis = replay.settled(f, now);
        if (replayMillis >= 0) {
            metrics.onReplayDone(replayMillis);
        }
    }

    private static RequestFacts facts(RequestLifecycle l) {
        return l.attachment(RequestFacts.class);
    }
}
