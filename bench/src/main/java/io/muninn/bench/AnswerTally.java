package io.muninn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Accuracy of a run on an eval set with known answers, counted as {@code muninn eval} counts it: a request is
 * correct when its generated ids, up to and including the first stop token, equal the example's {@code answer_ids}
 * exactly (a wrong token, a missing stop token or text after it all count as wrong).
 *
 * @param correct requests answered correctly
 * @param total   requests counted
 */
record AnswerTally(int correct, int total) {

    AnswerTally {
        if (total < 0 || correct < 0 || correct > total) {
            throw new IllegalArgumentException("answer tally needs 0 <= correct <= total but was " + correct + " of " + total);
        }
    }

    /** Whether {@code generated}, cut after its first stop token, equals {@code answer}. */
    static boolean correct(int[] generated, int[] answer, Set<Integer> stops) {
        int end = generated.length;
        for (int i = 0; i < generated.length; i++) {
            if (stops.contains(generated[i])) {
                end = i + 1;
                break;
            }
        }
        return Arrays.equals(Arrays.copyOf(generated, end), answer);
    }

    /** The tally of {@code generated} against {@code answers}, request by request (the lists must be equally long). */
    static AnswerTally of(List<int[]> generated, List<int[]> answers, Set<Integer> stops) {
        if (generated.size() != answers.size()) {
            throw new IllegalArgumentException(generated.size() + " generated answers but " + answers.size() + " expected");
        }
        int n = 0;
        for (int i = 0; i < generated.size(); i++) {
            n += correct(generated.get(i), answers.get(i), stops) ? 1 : 0;
        }
        return new AnswerTally(n, generated.size());
    }

    /** The share correct; NaN when nothing was counted. */
    double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** {@code correct/total (pp.p%)}. */
    String text() {
        return String.format(java.util.Locale.ROOT, "%d/%d (%.1f%%)", correct, total, 100 * accuracy());
    }
}
