package io.muninn.flink;

import io.muninn.flink.state.SequenceState;
import io.muninn.flink.state.SequenceStateSerializer;
import io.muninn.model.kernel.Accelerator;
import io.muninn.model.scheduler.RequestLifecycle;
import io.muninn.model.scheduler.StepReport;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.schemas.Cancellation;
import io.muninn.schemas.Completion;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import io.muninn.schemas.codec.Rejection;
import io.muninn.schemas.codec.RejectionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the recurrent-depth step scheduler inside a keyed Flink task (flink-operators/README.md, "How it runs"). Keyed by {@code request_id}.
 *
 * <ul>
 *   <li>Input: an accepted request is tokenized, checked against the model, stored in keyed state as a
 *       {@link SequenceState} and submitted to the scheduler, whose {@link RequestLifecycle} is from then on the one
 *       place the request lives; the operator's own facts about it ({@link RequestFacts}) hang off that lifecycle. A
 *       request that cannot run goes to {@link #REJECTED}.
 *   <li>The step loop is a mailbox mail that runs one micro-batch and re-enqueues itself while work remains, so
 *       input records and checkpoint barriers are processed between steps and no thread of our own exists. While
 *       more than {@code maxWaitingSequences} requests wait, {@code processElement} yields to the mailbox (runs
 *       steps) instead of returning, so backpressure reaches the source instead of an unbounded queue.
 *   <li>Each exited token leaves at once as a {@link TokenEvent} on the main output; each finished request as a
 *       {@link Completion} on {@link #COMPLETIONS}, and its state is cleared ({@link RecordDelivery}).
 *   <li>Checkpoints: generated tokens are written to keyed state for every sequence that changed, in
 *       {@link #snapshotState}, so state always matches what was emitted before the barrier. On restore every key
 *       of the state is read back and its sequence is rebuilt by replay ({@link SequenceRestore}), a bounded slice
 *       per step mail, so barriers, timers and input are handled during a restore; the KV cache is never in state.
 *   <li>A cancel record ({@code cancel: true}) ends its live request with {@code CANCELLED} at once.
 *   <li>Deadlines are processing-time timers; bounded inputs are drained in {@link #endInput()}.
 * </ul>
 */
public final class RecurrentDepthOperator extends AbstractStreamOperator<TokenEvent>
        implements OneInputStreamOperator<RequestEnvelope, TokenEvent>, BoundedOneInput,
        Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecurrentDepthOperator.class);

    public static final String STATE_NAME = "muninn-sequence";
    public static final String DEADLINE_TIMERS = "muninn-deadlines";
    public static final OutputTag<Completion> COMPLETIONS = new OutputTag<>("muninn-completions", Records.COMPLETION);
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("muninn-rejected", Records.REJECTED);

    private final GenerationSettings settings;
    private final transient MailboxExecutor mailbox;

    private transient ValueState<SequenceState> sequences;
    private transient KeyedSequences keyed;
    private transient LoadedModel model;
    private transient RequestResolver resolver;
    private transient StepScheduler scheduler;
    private transient OperatorMetrics metrics;
    private transient boolean stepQueued;

    RecurrentDepthOperator(StreamOperatorParameters<TokenEvent> parameters, GenerationSettings settings) {
        super(parameters);
        this.settings = settings;
        this.mailbox = parameters.getMailboxExecutor();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        sequences = context.getKeyedStateStore().getState(new ValueStateDescriptor<>(STATE_NAME, new SequenceStateSerializer()));
    }

    @Override
    public void open() throws Exception {
        super.open();
        String device = Accelerator.attachCurrentThread(GpuAssignment.index(
                getRuntimeContext().getExternalResourceInfos(GpuAssignment.RESOURCE)));
        model = LoadedModel.load(settings);
        LOG.info("Loaded {} (hidden {}, vocabulary {}) on {}; weights {} ({} bytes, {}), used by {} operator instances "
                        + "of this task manager", settings.modelPath(), model.config.hiddenSize(),
                model.config.vocabSize(), device, model.weights.key().directory(), model.weights.bytes(),
                model.weights.loadedIt() ? "loaded by this instance" : "shared, loaded by another instance",
                model.weights.users());
        LOG.info("Effective settings: {}", settings);
        resolver = new RequestResolver(model, settings.maxNewTokens(), settings.exitInPrefill());
        keyed = new KeyedSequences(this, sequences,
                getInternalTimerService(DEADLINE_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
        RecordDelivery delivery = new RecordDelivery(output, keyed, this::now,
                new OutputRecords(model.tokenizer, settings.tpotTargetNanos() > 0));
        scheduler = new StepScheduler(model.engine, settings.schedulerOptions(), delivery, model.tokenizer, this::now,
                settings.latencyController());
        metrics = new OperatorMetrics(getMetricGroup(), scheduler, model.weights);
        delivery.bind(scheduler, metrics);
        SequenceRestore.restore(keyed.readAll(STATE_NAME), resolver, scheduler, delivery, now());
        queueStep();
    }

    @Override
    public void processElement(StreamRecord<RequestEnvelope> element) throws Exception {
        RequestEnvelope in = element.getValue();
        String id = in.requestId();
        if (Cancellation.isCancel(in.request)) {
            cancel(id);
            return;
        }
        try {
            if (scheduler.isLive(id) || keyed.currentExists()) {
                throw new RejectionException("request_id", "request_id '%s' is already running; a request id may "
                        + "be reused only after its completion", id);
            }
            int[] prompt = resolver.promptTokens(in.request);
            var request = resolver.sequence(in.request, prompt);
            long now = now();
            keyed.accept(SequenceState.accepted(in.request, prompt, now), request.deadlineMillis());
            scheduler.submit(request).attach(new RequestFacts(in.request, now, -1));
        } catch (RejectionException e) {
            reject(in, e.rejection().withRequestId(id));
            return;
        }
        queueStep();
        while (scheduler.waitingCount() > settings.maxWaitingSequences()) {
            mailbox.yield(); // runs steps until sequences finish; input waits, so backpressure reaches the source
        }
    }

    /**
     * A cancel record: ends the live request {@code id} (waiting, active or restored) with {@code CANCELLED} now.
     * The scheduler frees its KV blocks and slot, and the delivery emits its completion with the tokens so far,
     * clears its keyed state and deletes its deadline timer, so no later checkpoint holds it. A cancel for a request
     * that is not live (unknown, finished, cancelled already) is ignored and counted, never rejected.
     */
    private void cancel(String id) {
        if (scheduler.cancel(id)) {
            metrics.onKvBytes(model.engine.pool().bytesInUse());
        } else {
            metrics.onCancelIgnored();
            LOG.debug("Ignored a cancel for request_id '{}', which is not running", id);
        }
    }

    private void reject(RequestEnvelope in, Rejection rejection) {
        RejectedRecord record = rejection.toRecord(in.sourceTopic, in.partition, in.offset,
                in.payload == null ? new byte[0] : in.payload, now());
        output.collect(REJECTED, new StreamRecord<>(record));
        metrics.onRejected();
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        scheduler.expire(timer.getKey());
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {}

    private void queueStep() {
        if (!stepQueued && scheduler.hasWork()) {
            stepQueued = true;
            mailbox.execute(this::stepMail, "muninn recurrence step");
        }
    }

    private void stepMail() {
        stepQueued = false;
        runStep();
        queueStep();
    }

    private void runStep() {
        StepReport report = scheduler.step();
        metrics.onStep(report);
    }

    @Override
    public void endInput() throws Exception {
        drain();
    }

    @Override
    public void finish() throws Exception {
        drain();
        super.finish();
    }

    /** Runs steps until every accepted request has completed: a bounded input ends with nothing in flight. */
    private void drain() {
        while (scheduler.hasWork()) {
            runStep();
        }
    }

    /** Writes the durable state of every live request that produced tokens since the last checkpoint. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (RequestLifecycle l : scheduler.lifecycles()) {
            RequestFacts f = l.attachment(RequestFacts.class);
            if (f.dirty) {
                keyed.write(l.id(), f.durable(l));
                f.dirty = false;
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
        }
        super.close();
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
