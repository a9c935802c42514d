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
 * checks batched where the logits lie ({@link StepLogits#check}), each checked entry's exit decided
 * ({@link ExitRule#decide}), and, for the entries that exit, their logits (when their kind produces any) and exit
 * latent to the heap and their backend memory freed.
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
            Segment s = batch.segments.get(i);
            for (int r = s.rows() - logitRows(batch.entries.get(i)); r < s.rows(); r++) {
                headRows.add(s.rowOffset() + r); // the entry's last rows, as many as its kind wants
            }
        }
        StepLogits logits = model.tail(batch.blocks(e -> e.running().state()), batch.positions, batch.segments,
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
            if (e.exited()) { // only an exiting entry's logits reach the heap
                float[][] rows = new float[logitRows(e)][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = logits.row(firstRow[i] + r);
                }
                e.finish(rows.length > 0 ? rows : null);
            }
        }
        StepTimer.stop(Part.COPIES, started);
    }

    private static int logitRows(StepEntry e) {
        return e.call().kind().logitRows(e.rows());
    }

    /** The logit checks of this step, all at once; their logits are read where they are, in the backend's memory. */
    private void checkLogits(MicroBatch batch, StepLogits logits, int[] firstRow) {
        List<StepEntry> checked = new ArrayList<>();
        List<ExitCheck> checks = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < batch.entries.size(); i++) {
            StepEntry e = batch.entries.get(i);
            if (e.logitCheckDue()) {
                checked.add(e);
                checks.add(new ExitCheck(e.call().policy().criterion(), e.running().memory()));
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
            e.recordCheck(values[i]);
            ExitRule.decide(e, true);
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }
}
