package io.muninn.model.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Which admitted sequences run in the next micro-batch, within the row limit, so that no entry starves. */
final class MicroBatch {
    private MicroBatch() {}

    /**
     * The micro-batch: entries skipped longest first, then in-flight entries (replay slices among them) before new
     * ones, decode rows before prefill chunks, older sequences first, up to the row limit. An entry left out waits a
     * step with its state intact.
     */
    static List<ActiveSequence> form(List<RequestLifecycle> admitted, int maxRowsPerStep) {
        List<ActiveSequence> order = new ArrayList<>(admitted.size());
        for (RequestLifecycle l : admitted) {
            order.add(l.admitted());
        }
        order.sort(Comparator.comparingInt((ActiveSequence a) -> -a.skippedSteps)
                .thenComparing(ActiveSequence::isNew)
                .thenComparing(a -> !a.isDecodeRow())
                .thenComparingLong(a -> a.admittedAt));
        List<ActiveSequence> batch = new ArrayList<>();
        int rows = 0;
        for (ActiveSequence a : order) {
            // a prompt that must be one chunk may exceed the row limit: it then runs in a micro-batch of its own
            if (rows + a.nextRows() <= maxRowsPerStep || batch.isEmpty()) {
                batch.add(a);
                rows += a.nextRows();
                a.skippedSteps = 0;
            } else {
                a.skippedSteps++; // the longest-skipped entry goes first next time, so no entry starves
            }
        }
        return batch;
    }
}
