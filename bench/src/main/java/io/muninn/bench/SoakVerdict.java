package io.muninn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the soak checks at the end, from its ledger and the peaks it sampled: every request completed exactly once,
 * the operator's active set stayed within {@code max-active-sequences}, its waiting queue within
 * {@code max-waiting-sequences} + 1 (the operator accepts a record, then yields to its step loop while more than
 * {@code max-waiting-sequences} wait, so one record beyond the limit is the most it holds; everything else waits in
 * Kafka, held back by backpressure), and the heap after GC grew by at most the allowed megabytes after warm-up.
 *
 * @param peakActive  the largest active count sampled from the operator's metrics, or -1 when none was sampled
 * @param peakWaiting the largest waiting count sampled, or -1 when none was sampled
 */
record SoakVerdict(SoakLedger.Tally tally, int maxActive, int peakActive, int maxWaiting, int peakWaiting,
        double heapGrowthMb, double maxHeapGrowthMb) {

    /** Each broken check in words; empty when the soak passed. */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        SoakLedger.Tally t = tally;
        if (t.lost() > 0) {
            out.add(String.format("%d of %d requests never completed (%d of them rejected)", t.lost(), t.produced(),
                    t.rejected()));
        }
        if (t.duplicated() > 0) {
            out.add(String.format("%d completions were duplicates", t.duplicated()));
        }
        if (t.unknown() > 0) {
            out.add(String.format("%d output records name a request this run never produced", t.unknown()));
        }
        if (t.tokenDuplicates() > 0 || t.tokensMissing() > 0) {
            out.add(String.format("token events: %d duplicated, %d missing against their completions",
                    t.tokenDuplicates(), t.tokensMissing()));
        }
        if (peakActive < 0 || peakWaiting < 0) {
            out.add("the operator's activeSequences / waitingSequences metrics were never sampled, so their bounds "
                    + "are unchecked");
        }
        if (peakActive > maxActive) {
            out.add(String.format("active sequences reached %d, above max-active-sequences %d", peakActive, maxActive));
        }
        if (peakWaiting > maxWaiting + 1) {
            out.add(String.format("waiting sequences reached %d, above max-waiting-sequences %d + 1", peakWaiting,
                    maxWaiting));
        }
        if (heapGrowthMb > maxHeapGrowthMb) {
            out.add(String.format(Locale.ROOT, "heap after GC grew by %.1f MB after warm-up, above the allowed %.1f MB",
                    heapGrowthMb, maxHeapGrowthMb));
        }
        return out;
    }

    int exitCode() {
        return violations().isEmpty() ? 0 : 1;
    }

    /** {@code soak: N requests, L lost, D duplicated, heap growth X MB}. */
    String lastLine() {
        return String.format(Locale.ROOT, "soak: %d requests, %d lost, %d duplicated, heap growth %.1f MB",
                tally.produced(), tally.lost(), tally.duplicated(), heapGrowthMb);
    }
}
