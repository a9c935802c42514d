package io.muninn.flink;

import io.muninn.flink.state.SequenceState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The operator's durable side of a request: its {@link SequenceState} in keyed state under the request id, and its
 * processing-time deadline timer. Writes and reads for a key other than the one in context (from a step, a snapshot or
 * a timer) switch the current key and leave it switched; only {@link #clear} puts the previous key back.
 */
final class KeyedSequences {
    private final AbstractStreamOperator<?> operator;
    private final ValueState<SequenceState> sequences;
    private final InternalTimerService<VoidNamespace> deadlines;

    KeyedSequences(AbstractStreamOperator<?> operator, ValueState<SequenceState> sequences,
            InternalTimerService<VoidNamespace> deadlines) {
        this.operator = operator;
        this.sequences = sequences;
        this.deadlines = deadlines;
    }

    /** Whether the key in context has state (a request accepted and not yet completed). */
    boolean currentExists() throws IOException {
        return sequences.value() != null;
    }

    /** Stores the state of the key in context and, if it has one, registers its deadline. */
    void accept(SequenceState state, long deadlineMs) throws IOException {
        sequences.update(state);
        if (deadlineMs != Long.MAX_VALUE) {
            deadlines.registerProcessingTimeTimer(VoidNamespace.INSTANCE, deadlineMs);
        }
    }

    /** Every stored state of this subtask, oldest acceptance first (ties by request id). */
    List<SequenceState> readAll(String stateName) throws Exception {
        List<String> keys;
        try (Stream<String> stream = operator.<String>getKeyedStateBackend().getKeys(stateName, VoidNamespace.INSTANCE)) {
            keys = stream.collect(Collectors.toList());
        }
        List<SequenceState> states = new ArrayList<>(keys.size());
        for (String key : keys) {
            operator.setCurrentKey(key);
            SequenceState s = sequences.value();
            if (s != null) {
                states.add(s);
            }
        }
        states.sort(Comparator.comparingLong(SequenceState::acceptedAtMs).thenComparing(SequenceState::requestId));
        return states;
    }

    void write(String id, SequenceState state) throws IOException {
        operator.setCurrentKey(id);
        sequences.update(state);
    }

    /** Drops {@code id}'s state and its deadline timer, restoring the key in context. */
    void clear(String id, long deadlineMs) {
        Object key = operator.getCurrentKey();
        operator.setCurrentKey(id);
        sequences.clear();
        if (deadlineMs != Long.MAX_VALUE) {
            deadlines.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, deadlineMs);
        }
        if (key != null) {
            operator.setCurrentKey(key);
        }
    }
}
