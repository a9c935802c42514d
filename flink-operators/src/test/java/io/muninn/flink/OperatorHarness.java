package io.muninn.flink;

import io.muninn.schemas.Completion;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.RejectedRecord;
import io.muninn.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.MetricRegistry;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * One operator instance in Flink's keyed test harness, with the task mailbox driven by the test: {@link #step()}
 * runs one mail (one micro-batch), so a test can stop at any recurrence step and snapshot there.
 */
final class OperatorHarness implements AutoCloseable {
    static final int MAX_PARALLELISM = 128;

    final OneInputStreamOperatorTestHarness<RequestEnvelope, TokenEvent> harness;
    private long checkpointId;

    OperatorHarness(GenerationSettings settings, int parallelism, int subtask, OperatorSubtaskState restoreFrom)
            throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new RecurrentDepthOperatorFactory(settings),
                RequestEnvelope::requestId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    /**
     * A fresh instance (parallelism 1) whose operator metric group registers with {@code metrics}, so a test can read
     * what the operator reports. Keyed like the harness above: request_id is the key.
     */
    OperatorHarness(GenerationSettings settings, MetricRegistry metrics) throws Exception {
        this(settings, metrics, null);
    }

    /** The same, restored from {@code restoreFrom} (a parallelism-1 snapshot) when it is not null. */
    OperatorHarness(GenerationSettings settings, MetricRegistry metrics, OperatorSubtaskState restoreFrom)
            throws Exception {
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(metrics, "localhost",
                        ResourceID.generate())
                .addJob(new JobID(), "test-job")
                .addTask(ExecutionAttemptID.randomId(), "test-task");
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setTaskName("MockTask")
                .setManagedMemorySize(3 * 1024 * 1024)
                .setBufferSize(1024)
                .setMaxParallelism(MAX_PARALLELISM)
                .setParallelism(1)
                .setSubtaskIndex(0)
                .setMetricGroup(task)
                .build();
        harness = new OneInputStreamOperatorTestHarness<>(new RecurrentDepthOperatorFactory(settings),
                RequestEnvelope.TYPE.createSerializer(new SerializerConfigImpl()), environment);
        KeySelector<RequestEnvelope, String> key = RequestEnvelope::requestId;
        harness.getStreamConfig().setStatePartitioner(0, key);
        harness.getStreamConfig().setStateKeySerializer(StringSerializer.INSTANCE);
        harness.getStreamConfig().serializeAllConfigs();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    static OperatorHarness fresh(GenerationSettings settings) throws Exception {
        return new OperatorHarness(settings, 1, 0, null);
    }

    static OperatorHarness restored(GenerationSettings settings, OperatorSubtaskState state) throws Exception {
        return new OperatorHarness(settings, 1, 0, state);
    }

    void send(PromptRequest request) throws Exception {
        harness.processElement(new StreamRecord<>(RequestEnvelope.of(request)));
    }

    /** Runs the next mail; false when the mailbox is empty (no work left). */
    boolean step() throws Exception {
        TaskMailbox mailbox = harness.getTaskMailbox();
        if (!mailbox.hasMail()) {
            return false;
        }
        mailbox.take(TaskMailbox.MIN_PRIORITY).run();
        return true;
    }

    void steps(int n) throws Exception {
        for (int i = 0; i < n && step(); i++) {
            // one micro-batch per mail
        }
    }

    void runUntilIdle() throws Exception {
        while (step()) {
            // until no mail re-enqueues itself
        }
    }

    /** Sends requests 0 .. n - 1 of {@link TestRequests#request}. */
    void sendRequests(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            send(TestRequests.request(i));
        }
    }

    /** A snapshot and what the operator had emitted before it. */
    record Taken(OperatorSubtaskState snapshot, List<TokenEvent> tokens, List<Completion> completions) {
        /** The tokens emitted before the snapshot, then those of {@code restored}, the harness restored from it. */
        List<TokenEvent> tokensThen(OperatorHarness restored) {
            List<TokenEvent> all = new ArrayList<>(tokens);
            all.addAll(restored.tokens());
            return all;
        }

        /** The completions emitted before the snapshot, then those of {@code restored}. */
        List<Completion> completionsThen(OperatorHarness restored) {
            List<Completion> all = new ArrayList<>(completions);
            all.addAll(restored.completions());
            return all;
        }
    }

    /** Takes a snapshot, with the tokens and completions emitted so far. */
    Taken take() throws Exception {
        return new Taken(snapshot(), tokens(), completions());
    }

    OperatorSubtaskState snapshot() throws Exception {
        checkpointId++;
        return harness.snapshot(checkpointId, checkpointId * 10);
    }

    static OperatorSubtaskState repackage(OperatorSubtaskState... parts) throws Exception {
        return KeyedOneInputStreamOperatorTestHarness.repackageState(parts);
    }

    static OperatorSubtaskState repartition(OperatorSubtaskState whole, int oldParallelism, int newParallelism,
            int subtask) {
        return KeyedOneInputStreamOperatorTestHarness.repartitionOperatorState(
                whole, MAX_PARALLELISM, oldParallelism, newParallelism, subtask);
    }

    /** Entries in the keyed state backend (heap), as the keyed harness counts them. */
    int numKeyedStateEntries() {
        var backend = ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        return ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }

    List<TokenEvent> tokens() {
        return new ArrayList<>(harness.extractOutputValues());
    }

    List<Completion> completions() {
        return sideOutput(RecurrentDepthOperator.COMPLETIONS);
    }

    List<RejectedRecord> rejected() {
        return sideOutput(RecurrentDepthOperator.REJECTED);
    }

    /** The values emitted so far on a side output, in order; none if nothing was emitted on it. */
    private <T> List<T> sideOutput(OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        var records = harness.getSideOutput(tag);
        if (records != null) {
            for (StreamRecord<T> r : records) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
