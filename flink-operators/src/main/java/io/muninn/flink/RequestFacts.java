package io.muninn.flink;

import io.muninn.flink.state.SequenceState;
import io.muninn.model.scheduler.RequestLifecycle;
import io.muninn.schemas.PromptRequest;

/**
 * What only the operator knows about one live request, hung off the scheduler's {@link RequestLifecycle} as its
 * attachment (never kept in a map of the operator's own): the request as received, the processing times for the
 * completion and the metrics, whether tokens came since the last checkpoint, and whether it still awaits its first
 * token after a restore. The generated tokens are not here: they are the lifecycle's, and {@link #durable} reads
 * them from it when a checkpoint writes the request's {@link SequenceState}.
 */
final class RequestFacts {
    final PromptRequest request;
    final long acceptedAtMs;
    /** Processing time of its first token; -1 before it. Durable. */
    long firstTokenAtMs;
    /** Processing time of its last admission (it is admitted again after a preemption); -1 before it. */
    long admittedAtMs = -1;
    /** Whether tokens came since its state was last written. */
    boolean dirty;
    /** Restored with tokens and not yet producing new ones: the restore's replay time waits for it. */
    boolean awaitingReplay;

    RequestFacts(PromptRequest request, long acceptedAtMs, long firstTokenAtMs) {
        this.request = request;
        this.acceptedAtMs = acceptedAtMs;
        this.firstTokenAtMs = firstTokenAtMs;
    }

    /** The facts of a request read back from keyed state. */
    static RequestFacts of(SequenceState s) {
        return new RequestFacts(s.request(), s.acceptedAtMs(), s.firstTokenAtMs());
    }

    /** The request's durable state now: these facts, and the prompt and progress of its lifecycle. */
    SequenceState durable(RequestLifecycle l) {
        return new SequenceState(request, l.request().prompt(), acceptedAtMs, firstTokenAtMs, l.progress());
    }

    /** Its deadline in epoch milliseconds; {@link Long#MAX_VALUE} for none. */
    long deadlineMs() {
        return request.getDeadlineMs() == null ? Long.MAX_VALUE : request.getDeadlineMs();
    }
}
