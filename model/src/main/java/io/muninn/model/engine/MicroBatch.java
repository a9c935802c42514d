package io.muninn.model.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Entries stacked row-wise: their segments, the absolute position of every row, and stack/split helpers. */
final class MicroBatch {
    final List<StepEntry> entries;
    final List<Segment> segments = new ArrayList<>();
    final int[] positions;

    MicroBatch(List<StepEntry> entries) {
        this.entries = List.copyOf(entries);
        int rows = 0;
        for (StepEntry e : this.entries) {
            segments.add(new Segment(e.sequence.kv(), rows, e.rows(), e.firstPosition));
            rows += e.rows();
        }
        positions = new int[rows];
        int r = 0;
        for (StepEntry e : this.entries) {
            for (int i = 0; i < e.rows(); i++) {
                positions[r++] = e.firstPosition + i;
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
            System.arraycopy(e.tokens, 0, out, r, e.tokens.length);
            r += e.tokens.length;
        }
        return out;
    }

    /** The entries' row-major (rows, H) parts stacked in batch order, as one (n, H) array. */
    INDArray stack(Function<StepEntry, float[]> part, int hidden) {
        float[] all = new float[positions.length * hidden];
        for (int i = 0; i < entries.size(); i++) {
            System.arraycopy(part.apply(entries.get(i)), 0, all, segments.get(i).rowOffset() * hidden, entries.get(i).rows() * hidden);
        }
        return Nd4j.create(all, new long[] {positions.length, hidden}, 'c');
    }

    /** Rows of entry i in a stacked row-major (n, H) array (a copy). */
    float[] rowsOf(float[] stacked, int i, int hidden) {
        Segment s = segments.get(i);
        return Arrays.copyOfRange(stacked, s.rowOffset() * hidden, (s.rowOffset() + s.rows()) * hidden);
    }
}
