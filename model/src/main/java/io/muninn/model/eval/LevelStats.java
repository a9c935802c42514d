package io.muninn.model.eval;

import java.util.List;

/**
 * Accuracy and recurrence steps of a group of examples (one difficulty level, or all), as {@code evaluate.py}'s
 * {@code stats}.
 *
 * @param n                 examples
 * @param accuracy          fraction answered exactly
 * @param meanSteps         mean exit step over every generated token, the prefill's (first answer token) included
 * @param meanStepsDecoded  mean exit step over decoded tokens only (every answer token after the first); NaN when
 *                          no example decoded any
 */
public record LevelStats(int n, double accuracy, double meanSteps, double meanStepsDecoded) {

    public static LevelStats of(List<ExampleResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("stats need at least one result");
        }
        int correct = 0;
        long steps = 0;
        long tokens = 0;
        long decodedSteps = 0;
        long decoded = 0;
        for (ExampleResult r : results) {
            correct += r.correct() ? 1 : 0;
            int[] s = r.exitSteps();
            for (int i = 0; i < s.length; i++) {
                steps += s[i];
                tokens++;
                if (i > 0) {
                    decodedSteps += s[i];
                    decoded++;
                }
            }
        }
        return new LevelStats(results.size(), (double) correct / results.size(), (double) steps / tokens,
                decoded == 0 ? Double.NaN : (double) decodedSteps / decoded);
    }
}
