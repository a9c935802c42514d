package io.muninn.model.scheduler;

import io.muninn.model.generate.TokenRecord;

/**
 * What a sequence has generated so far, as an immutable value for checkpoints: enough, with its request, to rebuild
 * it by replay (model/README.md, "Replay"). The KV cache is never part of it. A live sequence holds its tokens once,
 * in its {@link RequestLifecycle}'s {@link TokenRecord}; this value is copied from that record when a snapshot asks
 * for it (and reused while nothing was appended), and a restore starts a new record from it.
 *
 * @param tokens          generated token ids
 * @param exitSteps       recurrence steps each generated token's forward call took (entry 0 is the prefill's)
 * @param criterionValues the criterion's last value per token
 * @param depthStage      the highest latency relaxation stage any of these tokens ran under; 0 when none
 */
public record SequenceProgress(int[] tokens, int[] exitSteps, double[] criterionValues, int depthStage) {

    public static final SequenceProgress NONE = new SequenceProgress(new int[0], new int[0], new double[0]);

    public SequenceProgress {
        if (tokens.length != exitSteps.length || tokens.length != criterionValues.length) {
            throw new IllegalArgumentException(String.format(
                    "progress needs one exit step and criterion value per token but has %s tokens, %s exit steps, %s values",
                    tokens.length, exitSteps.length, criterionValues.length));
        }
        if (depthStage < 0) {
            throw new IllegalArgumentException("progress depth_stage must be at least 0 but is " + depthStage);
        }
        tokens = tokens.clone();
        exitSteps = exitSteps.clone();
        criterionValues = criterionValues.clone();
    }

    /** Progress that no latency relaxation touched. */
    public SequenceProgress(int[] tokens, int[] exitSteps, double[] criterionValues) {
        this(tokens, exitSteps, criterionValues, 0);
    }

    public int size() {
        return tokens.length;
    }

    /** A record that continues from this progress. */
    TokenRecord toRecord() {
        return new TokenRecord(tokens, exitSteps, criterionValues);
    }
}
