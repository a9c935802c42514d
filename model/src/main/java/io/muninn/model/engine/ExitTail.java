package io.muninn.model.engine;

import io.muninn.model.backend.Segment;
import io.muninn.model.backend.StepLogits;
import io.muninn.model.backend.StepModel;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kernel.StepTimer.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a step for the entries that exit or check logits: coda and head over all of them at once, the logit
 * checks batched where the logits lie ({@link StepLogits#check}), and, for the entries that exit, their logits (when
 * wanted) and exit latent to the heap and their backend memory freed.
 */
final class ExitTail {
    private final StepModel model;

    ExitTail(StepModel model) {
        this.model = model;
    }

    /** Coda and head of the entries, their logit checks, and the exits that follow. */
    void run(MicroBatch batch) {
        List<Integer> headRows = new ArrayList<>();
        for (int i = 0; i < batch.entries.size(); i++) {
            StepEntry e = batch.entries.get(i);
            Segment s = batch.segments.get(i);
            if (e.logitsWanted == StepEntry.Logits.ALL_ROWS) {
                for (int r = 0; r < s.rows(); r++) {
                    headRows.add(s.rowOffset() + r);
                }
            } else if (e.logitsWanted == StepEntry.Logits.LAST_ROW) {
                headRows.add(s.rowOffset() + s.rows() - 1);
            }
        }
        StepLogits logits = model.tail(batch.blocks(e -> e.state), batch.positions, batch.segments,
                headRows.stream().mapToInt(Integer::intValue).toArray()); // (rows, V), null when no rows
        int[] firstRow = new int[batch.entries.size()]; // each entry's first row in logits
        for (int i = 0, row = 0; i < batch.entries.size(); i++) {
            firstRow[i] = row;
            row += logitRows(batch.entries.get(i));
        }
        checkLogits(batch, logits, firstRow);
        long started = StepTimer.start();
        for (int i = 0; i < batch.entries.size(); i++) {
            StepEntry e = batch.entries.get(i);
            if (e.phase == StepEntry.Phase.EXITED) { // only an exiting entry's logits reach the heap
                float[][] rows = new float[logitRows(e)][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = logits.row(firstRow[i] + r);
                }
                e.logits = rows.length > 0 ? rows : null;
                finish(e);
            }
        }
        StepTimer.stop(Part.COPIES, started);
    }

    private static int logitRows(StepEntry e) {
        return switch (e.logitsWanted) {
            case ALL_ROWS -> e.rows();
            case LAST_ROW -> 1;
            case NONE -> 0;
        };
    }

    /** The logit checks of this step, all at once; their logits are read where they are, in the backend's memory. */
    private void checkLogits(MicroBatch batch, StepLogits logits, int[] firstRow) {
        List<StepEntry> checked = new ArrayList<>();
        List<ExitCheck> checks = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < batch.entries.size(); i++) {
            StepEntry e = batch.entries.get(i);
            if (e.logitCheckPending) {
                checked.add(e);
                checks.add(new ExitCheck(e.policy.criterion(), e.memory));
                rows.add(firstRow[i] + logitRows(e) - 1);
            }
        }
        if (checked.isEmpty()) {
            return;
        }
        long started = StepTimer.start();
        double[] values = logits.check(checks, rows.stream().mapToInt(Integer::intValue).toArray());
        for (int i = 0; i < checked.size(); i++) {
            StepEntry e = checked.get(i);
            e.logitCheckPending = false;
            e.criterionValue = values[i];
            if (e.policy.criterion().exits(values[i])) {
                e.converged = true;
                e.phase = StepEntry.Phase.EXITED;
            }
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }

    private void finish(StepEntry e) {
        e.exitStep = e.iterations;
        if (e.sequence.warmStart() && (e.logitsWanted != StepEntry.Logits.NONE || e.forcedExitStep > 0)) {
            e.sequence.warmLatent(e.state.rowToHeap(e.rows() - 1));
        }
        e.freeBlocks(); // the entry's backend memory is freed as it exits
        if (e.sequence.inFlight == e) {
            e.sequence.inFlight = null;
        }
    }
}
