package io.muninn.model.scheduler;

import io.muninn.model.generate.FinishReason;
import io.muninn.model.generate.TokenRecord;

/**
 * One request from arrival to completion: its request, its {@link State}, and the one record of what it generated
 * ({@link TokenRecord}: token, exit step and criterion value per token). The {@link StepScheduler} creates it on
 * {@link StepScheduler#submit} or {@link StepScheduler#restore}, keeps it in its one table under the request id, and
 * moves it between states; everything else (checkpoint progress, the outcome, the serving layer's own facts) is read
 * from it or hung off it through {@link #attach}, never kept in a parallel map.
 *
 * <p>States: {@code WAITING} (queued, holds no KV cache; also after a preemption), {@code REPLAYING} (admitted, its
 * KV cache is being rebuilt from its record after a restore or preemption), {@code ACTIVE} (admitted, running
 * prefill chunks or decode rows) and {@code DONE} (finished; the listener's {@code onFinished} is its last event).
 */
public final class RequestLifecycle {

    public enum State { WAITING, REPLAYING, ACTIVE, DONE }

    private final SequenceRequest request;
    private final TokenRecord record;
    /** Its engine state and work in flight while admitted; null while waiting or done. */
    private ActiveSequence admitted;
    private boolean done;
    private int depthStage;
    private SequenceProgress progress;
    private long lastTokenNanos = -1;
    private long lastTokenGapNanos = -1;
    private boolean preemptedSinceLastToken;
    private boolean lastGapSpansPreemption;
    private Object attachment;

    RequestLifecycle(SequenceRequest request, SequenceProgress restored) {
        this.request = request;
        this.record = restored.toRecord();
        this.depthStage = restored.depthStage();
        this.progress = restored;
    }

    public SequenceRequest request() {
        return request;
    }

    public String id() {
        return request.id();
    }

    public State state() {
        if (done) {
            return State.DONE;
        }
        if (admitted == null) {
            return State.WAITING;
        }
        return admitted.isRebuilding() ? State.REPLAYING : State.ACTIVE;
    }

    /** Tokens generated so far, restored ones included. */
    public int generated() {
        return record.size();
    }

    /**
     * What it generated, as a value for a checkpoint; the same instance while no token was added since the last call
     * (or since the restore it started from).
     */
    public SequenceProgress progress() {
        if (progress.size() != record.size() || progress.depthStage() != depthStage) {
            progress = new SequenceProgress(record.tokens(), record.exitSteps(), record.criterionValues(), depthStage);
        }
        return progress;
    }

    /** The highest latency relaxation stage any of its tokens ran under, restored ones included; 0 when none. */
    public int depthStage() {
        return depthStage;
    }

    /**
     * The gap between its last two tokens on the scheduler's monotonic clock (a preemption's wait included); -1 until
     * it released two tokens since it arrived or was restored. The one TPOT measurement: the latency target and the
     * serving layer's metric both read it.
     */
    public long lastTokenGapNanos() {
        return lastTokenGapNanos;
    }

    /**
     * Whether the last gap ({@link #lastTokenGapNanos}) includes a preemption: the wait for readmission and the
     * replay. A user feels it, so the serving layer's TPOT metric counts it; the latency target does not, since it
     * comes from KV pressure, which relaxing depth does not relieve.
     */
    public boolean lastGapSpansPreemption() {
        return lastGapSpansPreemption;
    }

    /** Hangs the serving layer's own facts about this request (timers, times for metrics) off it; replaces any. */
    public void attach(Object facts) {
        this.attachment = facts;
    }

    /** What {@link #attach} hung off it, as {@code type}; null when nothing was attached. */
    public <T> T attachment(Class<T> type) {
        return type.cast(attachment);
    }

    TokenRecord record() {
        return record;
    }

    ActiveSequence admitted() {
        return admitted;
    }

    void admit(ActiveSequence sequence) {
        this.admitted = sequence;
    }

    /** Back to waiting (a preemption): its KV cache is gone, its record stays. */
    void requeue() {
        this.admitted = null;
        this.preemptedSinceLastToken = true;
    }

    /** Records a released token: appends it, raises the depth stage, and measures the gap to the previous one. */
    void onToken(int token, int exitStep, double criterionValue, int stage, long nowNanos) {
        record.append(token, exitStep, criterionValue);
        depthStage = Math.max(depthStage, stage);
        lastTokenGapNanos = lastTokenNanos < 0 ? -1 : nowNanos - lastTokenNanos;
        lastGapSpansPreemption = preemptedSinceLastToken && lastTokenGapNanos >= 0;
        preemptedSinceLastToken = false;
        lastTokenNanos = nowNanos;
    }

    /** Ends it and builds its outcome, copying the record once. */
    SequenceOutcome finish(FinishReason reason, String message) {
        done = true;
        admitted = null;
        DepthLimits depth = request.depth();
        int[] exitSteps = record.exitSteps();
        boolean bound = depth.hasBudget() && StepBudget.anyBound(depth.totalStepsBudget(),
                request.params().maxNewTokens(), request.params().exit(), exitSteps);
        return new SequenceOutcome(request.id(), reason, record.tokens(), exitSteps, record.criterionValues(),
                request.prompt().length, message, bound, depthStage);
    }
}
