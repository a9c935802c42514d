package io.muninn.model.engine;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Entries stacked row-wise: their segments, the absolute position of every row, and the blocks of its entries. */
final class MicroBatch {
    final List<StepEntry> entries;
    final List<Segment> segments = new ArrayList<>();
    final int[] positions;

    MicroBatch(List<StepEntry> entries) {
        this.entries = List.copyOf(entries);
        int rows = 0;
        for (StepEntry e : this.entries) {
            StepEntry.Call call = e.call();
            segments.add(new Segment(call.sequence().kv(), rows, call.rows(), call.firstPosition()));
            rows += call.rows();
        }
        positions = new int[rows];
        int r = 0;
        for (StepEntry e : this.entries) {
            for (int i = 0; i < e.rows(); i++) {
                positions[r++] = e.call().firstPosition() + i;
            }
        }
    }

    int rows() {
        return positions.length;
    }

    int[] tokens() {
        int[] out = new int[positions.length];
        int r = 0;
        for (StepEntry e : entries) {
            int[] tokens = e.call().tokens();
            System.arraycopy(tokens, 0, out, r, tokens.length);
            r += tokens.length;
        }
        return out;
    }

    /** The entries' blocks in batch order. */
    LatentRows[] blocks(Function<StepEntry, LatentRows> part) {
        LatentRows[] out = new LatentRows[entries.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = part.apply(entries.get(i));
        }
        return out;
    }
}
