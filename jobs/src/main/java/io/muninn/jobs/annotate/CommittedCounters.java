package io.muninn.jobs.annotate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * Counters of rows handed to an exactly-once sink, reported as Flink accumulators with the values as of the last
 * completed checkpoint, i.e. what the sink has committed. Their values are operator state: after a restore each
 * subtask starts from the counts of the checkpoint it restores (a row emitted after that checkpoint is counted again
 * only because it is written again), and the accumulators, which Flink keeps per task attempt, start from them too.
 * So the job's accumulators (summed over subtasks, readable while the job runs through its
 * {@code JobClient#getAccumulators}, locally or on a remote cluster) count committed rows, never a row twice.
 * Not thread-safe: one instance per subtask, used from the task thread.
 */
final class CommittedCounters implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String stateName;
    private final String[] names;
    private transient ListState<long[]> state;
    private transient long[] counted; // the restored counts plus what this attempt counted
    private transient long[] reported; // what the accumulators hold
    private transient TreeMap<Long, long[]> snapshots; // counts at each checkpoint not yet known to be complete
    private transient LongCounter[] accumulators;

    /** Counters named {@code names} (accumulator names), kept in the operator list state {@code stateName}. */
    CommittedCounters(String stateName, String... names) {
        this.stateName = stateName;
        this.names = names.clone();
    }

    /** From the operator's {@code initializeState}: restores the counts of the checkpoint, summed over its entries. */
    void initialize(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(stateName, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        counted = new long[names.length];
        snapshots = new TreeMap<>();
        if (context.isRestored()) {
            for (long[] entry : state.get()) {
                for (int i = 0; i < Math.min(entry.length, counted.length); i++) {
                    counted[i] += entry[i];
                }
            }
        }
    }

    /** From the function's {@code open} (after {@link #initialize}): the accumulators start from the restored counts. */
    void open(RuntimeContext context) {
        accumulators = new LongCounter[names.length];
        for (int i = 0; i < names.length; i++) {
            accumulators[i] = context.getLongCounter(names[i]);
            accumulators[i].add(counted[i]);
        }
        reported = counted.clone();
    }

    /** Counts {@code delta} more on counter {@code index} (the index of its name in the constructor). */
    void add(int index, long delta) {
        counted[index] += delta;
    }

    /** From {@code snapshotState}: the counts that checkpoint {@code checkpointId} commits. */
    void snapshot(long checkpointId) throws Exception {
        long[] now = counted.clone();
        state.update(new ArrayList<>(List.of(now)));
        snapshots.put(checkpointId, now);
    }

    /** From {@code notifyCheckpointComplete}: the accumulators move to that checkpoint's counts. */
    void complete(long checkpointId) {
        long[] committed = snapshots.get(checkpointId);
        snapshots.headMap(checkpointId, true).clear();
        if (committed == null) {
            return;
        }
        for (int i = 0; i < names.length; i++) {
            accumulators[i].add(committed[i] - reported[i]);
        }
        reported = committed;
    }
}
