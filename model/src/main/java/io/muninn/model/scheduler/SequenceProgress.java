package io.muninn.model.scheduler;

import java.util.Arrays;

/**
 * What a sequence has generated so far: enough, with its request, to rebuild it by replay (model/README.md, "Replay"). The KV
 * cache is never part of it.
 *
 * @param tokens          generated token ids
 * @param exitSteps       recurrence steps each generated token's forward call took (entry 0 is the prefill's)
 * @param criterionValues the criterion's last value per token
 */
public record SequenceProgress(int[] tokens, int[] exitSteps, double[] criterionValues) {

    public static final SequenceProgress NONE = new SequenceProgress(new int[0], new int[0], new double[0]);

    public SequenceProgress {
        if (tokens.length != exitSteps.length || tokens.length != criterionValues.length) {
            throw new IllegalArgumentException(String.format(
                    "progress needs one exit step and criterion value per token but has %s tokens, %s exit steps, %s values",
                    tokens.length, exitSteps.length, criterionValues.length));
        }
        tokens = tokens.clone();
        exitSteps = exitSteps.clone();
        criterionValues = criterionValues.clone();
    }

    public int size() {
        return tokens.length;
    }

    SequenceProgress append(int token, int steps, double value) {
        int n = tokens.length;
        int[] t = Arrays.copyOf(tokens, n + 1);
        int[] s = Arrays.copyOf(exitSteps, n + 1);
        double[] v = Arrays.copyOf(criterionValues, n + 1);
        t[n] = token;
        s[n] = steps;
        v[n] = value;
        return new SequenceProgress(t, s, v);
    }
}
