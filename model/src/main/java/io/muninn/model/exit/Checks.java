package io.muninn.model.exit;

/** Argument checks shared by the criteria; messages name the criterion, the argument, its value and the limit. */
final class Checks {
    private Checks() {
    }

    static double positiveFiniteThreshold(String criterion, double threshold) {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException(String.format(
                    "exit threshold for %s must be a finite number > 0 but was %s", criterion, threshold));
        }
        return threshold;
    }

    static int vocabSize(String criterion, int vocabSize) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException(String.format(
                    "exit criterion %s needs vocabSize >= 1 but was %s", criterion, vocabSize));
        }
        return vocabSize;
    }

    /** Checks {@code rows} and {@code hidden} and that {@code latents} holds {@code rows * hidden} values. */
    static int latents(String criterion, String what, float[] latents, int rows, int hidden) {
        if (rows < 1) {
            throw new IllegalArgumentException(String.format(
                    "exit criterion %s needs rows >= 1 but was %s", criterion, rows));
        }
        if (hidden < 1) {
            throw new IllegalArgumentException(String.format(
                    "exit criterion %s needs hidden >= 1 but was %s", criterion, hidden));
        }
        long size = (long) rows * hidden;
        if (latents == null) {
            throw new IllegalArgumentException(String.format(
                    "exit criterion %s needs %s but got null", criterion, what));
        }
        if (latents.length < size) {
            throw new IllegalArgumentException(String.format(
                    "exit criterion %s needs %s of rows * hidden = %s * %s = %s values but got %s",
                    criterion, what, rows, hidden, size, latents.length));
        }
        return (int) size;
    }

    /** Checks that the memory was started by a criterion of this kind for the same shape. */
    static double[] remembered(String criterion, String field, double[] previous, int expectedLength) {
        checkRemembered(criterion, field, previous == null ? -1 : previous.length, expectedLength);
        return previous;
    }

    static float[] remembered(String criterion, String field, float[] previous, int expectedLength) {
        checkRemembered(criterion, field, previous == null ? -1 : previous.length, expectedLength);
        return previous;
    }

    /** {@code length} is the remembered array's, -1 when there is none. */
    private static void checkRemembered(String criterion, String field, int length, int expectedLength) {
        if (length < 0) {
            throw new IllegalArgumentException(String.format(
                    "exit memory has no %s: it was not started by exit criterion %s", field, criterion));
        }
        if (length != expectedLength) {
            throw new IllegalArgumentException(String.format(
                    "exit memory holds %s of length %s but this check has %s values", field, length, expectedLength));
        }
    }
}
