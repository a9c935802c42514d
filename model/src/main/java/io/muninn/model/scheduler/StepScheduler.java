package io.muninn.model.scheduler;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.model.tokenizer.StreamingDetokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Recurrence-step continuous batching (model/README.md, "Per-token recurrence and exit" and "Replay"). Every {@link #step()} forms one micro-batch from the tokens
 * in flight at whatever recurrence step they are, the next token of every sequence whose previous token just
 * exited, and prefill chunks of newly admitted sequences; runs one recurrence step; and releases each token whose
 * exit criterion fired at once through the {@link GenerationListener}, while harder tokens keep iterating. So the
 * hardware never waits for the slowest token, unlike the reference, which iterates "until the entire batch finishes".
 *
 * <p>Each request is one {@link RequestLifecycle} from {@link #submit} to its {@code onFinished}, kept in one table
 * ({@link LifecycleTable}) and holding its generated tokens once. Admission ({@link Admission}) is in arrival order
 * and bounded by active sequences and the KV budget ({@link AdmissionPolicy}).
 * Sequences can be restored from their {@link SequenceProgress} and continue exactly as if never interrupted; their
 * KV is rebuilt by replay a slice per step (a lockstep replay slice iterates at most {@code prefillChunk} positions
 * once, counted against the row limit), so no step is longer than a step's worth of compute.
 * Single-threaded: drive it from one thread (a Flink task's mailbox, a loop).
 */
public final class StepScheduler {
    private final RecurrentDepthEngine engine;
    private final SchedulerOptions options;
    private final GenerationListener listener;
    private final MuninnTokenizer tokenizer;
    private final LongSupplier clockMillis;
    private final LifecycleTable table = new LifecycleTable();
    private final Admission admission;
    private final SchedulerStats stats;
    private final DepthControl depth;

    /**
     * @param tokenizer   turns tokens into text pieces; null to deliver empty text
     * @param clockMillis wall clock for deadlines
     */
    public StepScheduler(RecurrentDepthEngine engine, SchedulerOptions options, GenerationListener listener,
            MuninnTokenizer tokenizer, LongSupplier clockMillis) {
        this(engine, options, listener, tokenizer, clockMillis, null);
    }

    /**
     * @param latency the latency target's controller, which this scheduler feeds with every request's token gaps and
     *                asks for the relaxation stage before each micro-batch; null for none (exits as asked)
     */
    public StepScheduler(RecurrentDepthEngine engine, SchedulerOptions options, GenerationListener listener,
            MuninnTokenizer tokenizer, LongSupplier clockMillis, LatencyTargetController latency) {
        this.depth = new DepthControl(latency);
        this.engine = engine;
        this.options = options;
        this.listener = listener;
        this.tokenizer = tokenizer;
        this.clockMillis = clockMillis;
        this.admission = new Admission(engine, options);
        this.stats = new SchedulerStats(engine.options().maxSteps());
    }

    /** Queues a new sequence and returns its lifecycle. Ids must be unique among live sequences. */
    public RequestLifecycle submit(SequenceRequest request) {
        return restore(request, SequenceProgress.NONE);
    }

    /**
     * Queues a sequence that already generated {@code progress} and returns its lifecycle: on admission it is rebuilt
     * by replay and then continues exactly as an uninterrupted run would.
     */
    public RequestLifecycle restore(SequenceRequest request, SequenceProgress progress) {
        return table.add(request, progress);
    }

    /** Ends a live sequence with reason {@code cancelled}; false if it is not live. */
    public boolean cancel(String requestId) {
        return end(requestId, FinishReason.CANCELLED, "");
    }

    /**
     * Ends a live sequence with reason {@code deadline} now, for callers that keep their own timers (a Flink
     * processing-time timer); false if it is not live. Deadlines are also checked before every step.
     */
    public boolean expire(String requestId) {
        return end(requestId, FinishReason.DEADLINE, "");
    }

    public boolean isLive(String requestId) {
        return table.live(requestId) != null;
    }

    /**
     * The lifecycle of {@code requestId}: live, or finished while its {@code onFinished} is being delivered (so a
     * listener can read what it attached); null otherwise.
     */
    public RequestLifecycle lifecycle(String requestId) {
        return table.get(requestId);
    }

    public boolean hasWork() {
        return !table.admitted().isEmpty() || table.waitingCount() > 0;
    }

    public int activeCount() {
        return table.admitted().size();
    }

    public int waitingCount() {
        return table.waitingCount();
    }

    /** Admitted sequences whose lockstep replay is still in progress (restored or preempted, not yet stepping). */
    public int replayingCount() {
        int n = 0;
        for (RequestLifecycle l : table.admitted()) {
            n += l.admitted().isReplaying() ? 1 : 0;
        }
        return n;
    }

    public SchedulerStats stats() {
        return stats;
    }

    /** The latency relaxation stage new tokens start under (those of strict requests excepted); 0 without a target. */
    public int relaxationStage() {
        return depth.stage();
    }

    /** Every live sequence's lifecycle: the waiting ones in queue order, then the admitted ones. */
    public List<RequestLifecycle> lifecycles() {
        return table.live();
    }

    /** The progress of every live sequence, for snapshots; sequences not yet admitted report theirs as queued. */
    public Map<String, SequenceProgress> progress() {
        Map<String, SequenceProgress> out = new HashMap<>();
        for (RequestLifecycle l : table.live()) {
            out.put(l.id(), l.progress());
        }
        return out;
    }

    /** Runs one micro-batch. Does nothing (and returns an empty report) when there is no work. */
    public StepReport step() {
        depth.update();
        expireDeadlines();
        admit();
        // after admission: a sequence just admitted takes blocks in this step too, so the demand is checked with it
        int preempted = options.admission() == AdmissionPolicy.PREEMPT_RECOMPUTE ? preemptUnderPressure() : 0;
        List<ActiveSequence> batch = MicroBatch.form(table.admitted(), options.maxRowsPerStep());
        if (batch.isEmpty()) {
            return report(0, 0, 0, preempted);
        }
        List<StepEntry> entries = new ArrayList<>(batch.size());
        List<ActiveSequence> replaying = new ArrayList<>();
        int rows = 0;
        for (ActiveSequence a : batch) {
            rows += a.nextRows();
            if (a.isReplaying()) {
                replaying.add(a);
            } else {
                entries.add(a.current);
            }
        }
        engine.step(entries);
        int tokens = 0;
        for (ActiveSequence a : batch) {
            if (!a.isReplaying() && a.current.exited()) {
                tokens += onExit(a) ? 1 : 0;
            }
        }
        // a lockstep replay advances one slice per step, within the step's row limit
        for (ActiveSequence a : replaying) {
            a.runReplaySlice(engine, options.prefillChunk(), stats, depth);
        }
        stats.recordStep(rows, batch.size());
        return report(batch.size(), rows, tokens, preempted);
    }

    private StepReport report(int entries, int rows, int tokens, int preempted) {
        return new StepReport(entries, rows, tokens, activeCount(), waitingCount(), engine.pool().bytesInUse(), preempted);
    }

    /** Steps until every submitted sequence has finished. */
    public void runToCompletion() {
        while (hasWork()) {
            step();
        }
    }

    private void admit() {
        while (table.waitingCount() > 0 && activeCount() < options.maxActiveSequences()) {
            RequestLifecycle head = table.headOfQueue();
            String neverFits = admission.neverFits(head.request());
            if (neverFits != null) {
                end(head, FinishReason.ERROR, neverFits);
                continue;
            }
            if (!admission.fitsNow(head)) {
                return; // strict arrival order: nothing overtakes the head, so nothing starves
            }
            StreamingDetokenizer detok = tokenizer == null ? null : StreamingDetokenizer.skippingSpecialTokens(tokenizer);
            ActiveSequence a = admission.admit(head, detok);
            table.admitHead(a);
            listener.onAdmitted(head.id());
            a.startNext(engine, options.prefillChunk(), stats, depth);
        }
    }

    /** Handles an exited entry; returns true when it released a token. */
    private boolean onExit(ActiveSequence a) {
        StepEntry e = a.current;
        if (!a.currentProducesToken) {
            a.startNext(engine, options.prefillChunk(), stats, depth);
            return false;
        }
        RequestLifecycle l = a.lifecycle;
        SequenceRequest r = a.request;
        int index = l.generated();
        int token = r.params().sampler().sample(e.lastLogits(), r.params().seed(), index);
        l.onToken(token, e.exitStep(), e.criterionValue(), a.tokenStage, depth.nanoTime());
        stats.recordToken(e.exitStep());
        depth.onToken(l, e.exitStep(), a.tokenStage);
        listener.onToken(new TokenOutput(r.id(), index, token, a.text(token), e.exitStep(), e.converged(), e.criterionValue()));
        if (r.params().stopTokens().contains(token)) {
            end(l, FinishReason.STOP, "");
        } else if (l.generated() >= r.params().maxNewTokens()) {
            end(l, FinishReason.LENGTH, "");
        } else {
            a.startNext(engine, options.prefillChunk(), stats, depth);
        }
        return true;
    }

    private void expireDeadlines() {
        for (RequestLifecycle l : table.expired(clockMillis.getAsLong())) {
            end(l, FinishReason.DEADLINE, "");
        }
    }

    private boolean end(String id, FinishReason reason, String message) {
        RequestLifecycle l = table.live(id);
        if (l != null) {
            end(l, reason, message);
        }
        return l != null;
    }

    /**
     * Ends a live sequence wherever it is (waiting or admitted): frees what admission gave it, and delivers its
     * outcome while it is still findable by {@link #lifecycle}; then forgets it.
     */
    private void end(RequestLifecycle l, FinishReason reason, String message) {
        if (l.state() == RequestLifecycle.State.DONE) {
            return; // ended already (a listener that cancels from inside a callback): one completion per request
        }
        table.unlink(l);
        if (l.admitted() != null) {
            admission.release(l.admitted());
        }
        SequenceOutcome outcome = l.finish(reason, message);
        try {
            listener.onFinished(outcome);
        } finally {
            table.forget(l);
        }
    }

    /**
     * Preempts the most recently admitted sequences until the next step's worst-case block demand fits the free
     * pool. A preempted sequence releases its cache and goes back to the head of the queue with its record; it is
     * rebuilt by replay when readmitted.
     */
    private int preemptUnderPressure() {
        int preempted = 0;
        while (activeCount() > 1 && admission.underPressure(table.admitted())) {
            RequestLifecycle victim = table.admitted().get(activeCount() - 1);
            admission.release(victim.admitted());
            table.requeue(victim);
            preempted++;
            stats.recordPreemption();
        }
        return preempted;
    }
}
