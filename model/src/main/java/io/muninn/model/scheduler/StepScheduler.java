package io.muninn.model.scheduler;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.engine.StepEntry;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.tokenizer.MuninnTokenizer;
import io.muninn.model.tokenizer.StreamingDetokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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
 * <p>Admission is in arrival order and bounded by active sequences and the KV budget ({@link AdmissionPolicy}).
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
    private final Deque<Pending> waiting = new ArrayDeque<>();
    private final List<ActiveSequence> active = new ArrayList<>();
    private final Map<String, Object> live = new HashMap<>();
    private final SchedulerStats stats;
    private final DepthControl depth;
    private long reservedBytes;
    private long admissions;

    private record Pending(SequenceRequest request, SequenceProgress progress) {}

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
        this.stats = new SchedulerStats(engine.options().maxSteps());
    }

    /** Queues a new sequence. Ids must be unique among live sequences. */
    public void submit(SequenceRequest request) {
        restore(request, SequenceProgress.NONE);
    }

    /**
     * Queues a sequence that already generated {@code progress}: on admission it is rebuilt by replay and then
     * continues exactly as an uninterrupted run would.
     */
    public void restore(SequenceRequest request, SequenceProgress progress) {
        if (live.containsKey(request.id())) {
            throw new IllegalArgumentException("request_id '" + request.id() + "' is already active");
        }
        live.put(request.id(), request);
        waiting.addLast(new Pending(request, progress));
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
        return live.containsKey(requestId);
    }

    public boolean hasWork() {
        return !active.isEmpty() || !waiting.isEmpty();
    }

    public int activeCount() {
        return active.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** Admitted sequences whose lockstep replay is still in progress (restored or preempted, not yet stepping). */
    public int replayingCount() {
        int n = 0;
        for (ActiveSequence a : active) {
            n += a.isReplaying() ? 1 : 0;
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

    /** The progress of every live sequence, for snapshots; sequences not yet admitted report theirs as queued. */
    public Map<String, SequenceProgress> progress() {
        Map<String, SequenceProgress> out = new HashMap<>();
        for (Pending p : waiting) {
            out.put(p.request().id(), p.progress());
        }
        for (ActiveSequence a : active) {
            out.put(a.request.id(), a.progress);
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
        List<ActiveSequence> batch = formBatch();
        if (batch.isEmpty()) {
            return new StepReport(0, 0, 0, active.size(), waiting.size(), engine.pool().bytesInUse(), preempted);
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
            a.runReplaySlice(engine, options.prefillChunk(), stats, depth.stage());
        }
        stats.recordStep(rows, batch.size());
        return new StepReport(batch.size(), rows, tokens, active.size(), waiting.size(), engine.pool().bytesInUse(), preempted);
    }

    /** Steps until every submitted sequence has finished. */
    public void runToCompletion() {
        while (hasWork()) {
            step();
        }
    }

    private void admit() {
        while (!waiting.isEmpty() && active.size() < options.maxActiveSequences()) {
            Pending head = waiting.peekFirst();
            SequenceRequest r = head.request();
            long need = engine.worstCaseKvBytes(r.prompt().length + r.params().maxNewTokens());
            long budget = engine.pool().totalBytes();
            if (need > budget) {
                waiting.pollFirst();
                finish(r, head.progress(), FinishReason.ERROR, String.format(
                        "request needs up to %s bytes of KV cache (prompt %s + max_new_tokens %s tokens at up to %s steps)"
                                + " but the engine's KV budget is %s bytes",
                        need, r.prompt().length, r.params().maxNewTokens(), r.params().exit().maxSteps(), budget));
                continue;
            }
            boolean fits = options.admission() == AdmissionPolicy.RESERVE_WORST_CASE
                    ? reservedBytes + need <= budget
                    : engine.worstCaseKvBytes(r.prompt().length + head.progress().size() + 1)
                            <= budget - engine.pool().bytesInUse();
            if (!fits) {
                return; // strict arrival order: nothing overtakes the head, so nothing starves
            }
            waiting.pollFirst();
            long reserved = options.admission() == AdmissionPolicy.RESERVE_WORST_CASE ? need : 0;
            reservedBytes += reserved;
            StreamingDetokenizer detok = tokenizer == null ? null : StreamingDetokenizer.skippingSpecialTokens(tokenizer);
            var params = r.params();
            ActiveSequence a = new ActiveSequence(r, engine.newSequence(params.seed(), params.initScale(), params.warmStart()),
                    head.progress(), reserved, admissions++, detok);
            active.add(a);
            live.put(r.id(), a);
            listener.onAdmitted(r.id());
            a.startNext(engine, options.prefillChunk(), stats, depth.stage());
        }
    }

    /**
     * The micro-batch: entries skipped longest first, then in-flight entries (replay slices among them) before new
     * ones, decode rows before prefill chunks, older sequences first, up to the row limit. An entry left out waits a
     * step with its state intact.
     */
    private List<ActiveSequence> formBatch() {
        List<ActiveSequence> order = new ArrayList<>(active);
        order.sort(Comparator.comparingInt((ActiveSequence a) -> -a.skippedSteps)
                .thenComparing(ActiveSequence::isNew)
                .thenComparing(a -> !a.isDecodeRow())
                .thenComparingLong(a -> a.admittedAt));
        List<ActiveSequence> batch = new ArrayList<>();
        int rows = 0;
        for (ActiveSequence a : order) {
            // a prompt that must be one chunk may exceed the row limit: it then runs in a micro-batch of its own
            if (rows + a.nextRows() <= options.maxRowsPerStep() || batch.isEmpty()) {
                batch.add(a);
                rows += a.nextRows();
                a.skippedSteps = 0;
            } else {
                a.skippedSteps++; // the longest-skipped entry goes first next time, so no entry starves
            }
        }
        return batch;
    }

    /** Handles an exited entry; returns true when it released a token. */
    private boolean onExit(ActiveSequence a) {
        StepEntry e = a.current;
        if (!a.currentProducesToken) {
            a.startNext(engine, options.prefillChunk(), stats, depth.stage());
            return false;
        }
        SequenceRequest r = a.request;
        int index = a.progress.size();
        int token = r.params().sampler().sample(e.lastLogits(), r.params().seed(), index);
        a.progress = a.progress.append(token, e.exitStep(), e.criterionValue());
        stats.recordToken(e.exitStep());
        depth.onToken(a);
        listener.onToken(new TokenOutput(r.id(), index, token, a.text(token), e.exitStep(), e.converged(), e.criterionValue()));
        if (r.params().stopTokens().contains(token)) {
            end(r.id(), FinishReason.STOP, "");
        } else if (a.progress.size() >= r.params().maxNewTokens()) {
            end(r.id(), FinishReason.LENGTH, "");
        } else {
            a.startNext(engine, options.prefillChunk(), stats, depth.stage());
        }
        return true;
    }

    private void expireDeadlines() {
        long now = clockMillis.getAsLong();
        List<String> expired = new ArrayList<>();
        for (Pending p : waiting) {
            if (now >= p.request().deadlineMillis()) {
                expired.add(p.request().id());
            }
        }
        for (ActiveSequence a : active) {
            if (now >= a.request.deadlineMillis()) {
                expired.add(a.request.id());
            }
        }
        for (String id : expired) {
            end(id, FinishReason.DEADLINE, "");
        }
    }

    /** Ends a live sequence wherever it is (waiting or active). */
    private boolean end(String id, FinishReason reason, String message) {
        Object where = live.get(id);
        if (where == null) {
            return false;
        }
        if (where instanceof ActiveSequence a) {
            active.remove(a);
            engine.release(a.sequence);
            reservedBytes -= a.reservedBytes;
            finish(a.request, a.progress, reason, message);
        } else {
            Pending pending = null;
            for (Pending p : waiting) {
                if (p.request().id().equals(id)) {
                    pending = p;
                }
            }
            waiting.remove(pending);
            finish(pending.request(), pending.progress(), reason, message);
        }
        return true;
    }

    private void finish(SequenceRequest r, SequenceProgress p, FinishReason reason, String message) {
        live.remove(r.id());
        listener.onFinished(depth.outcome(r, p, reason, message));
    }

    /**
     * Preempts the most recently admitted sequences until the next step's worst-case block demand fits the free
     * pool. A preempted sequence releases its cache and goes back to the head of the queue with its progress; it is
     * rebuilt by replay when readmitted.
     */
    private int preemptUnderPressure() {
        int preempted = 0;
        while (active.size() > 1 && blocksNeededNextStep() > engine.pool().freeBlocks()) {
            ActiveSequence victim = active.get(active.size() - 1);
            active.remove(victim);
            engine.release(victim.sequence);
            waiting.addFirst(new Pending(victim.request, victim.progress));
            live.put(victim.request.id(), victim.request);
            preempted++;
            stats.recordPreemption();
        }
        return preempted;
    }

    private long blocksNeededNextStep() {
        var config = engine.config();
        int bt = engine.pool().blockTokens();
        long blocks = 0;
        for (ActiveSequence a : active) {
            int slots = config.coreLayers() + config.codaLayers() + (a.startsPositions() ? config.preludeLayers() : 0);
            blocks += (long) slots * ((a.nextRows() + bt - 1) / bt + 1);
        }
        return blocks;
    }
}
