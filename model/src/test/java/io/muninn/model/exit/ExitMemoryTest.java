package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitMemoryTest {

    private static ExitMemory filled() {
        return filled(1e-4);
    }

    /** A memory with every field set, after three checks, the last of value {@code lastValue}. */
    private static ExitMemory filled(double lastValue) {
        ExitMemory memory = new ExitMemory();
        memory.previousLogProbs = new double[] {-1, -2};
        memory.previousLatents = new float[] {0.5f, 0.25f, 3f};
        memory.previousScalar = 4.5;
        memory.previousArgmax = 7;
        memory.stableCount = 2;
        memory.recordCheck(0.5);
        memory.recordCheck(0.25);
        memory.recordCheck(lastValue);
        return memory;
    }

    @Test
    void emptyMemoryHasDocumentedEmptyValues() {
        ExitMemory memory = new ExitMemory();
        assertThat(memory.previousLogProbs).isNull();
        assertThat(memory.previousLatents).isNull();
        assertThat(memory.previousScalar).isNaN();
        assertThat(memory.previousArgmax).isEqualTo(-1);
        assertThat(memory.stableCount).isZero();
        assertThat(memory.getLastValue()).isNaN();
        assertThat(memory.getChecks()).isZero();
        assertThat(memory).isEqualTo(new ExitMemory()).hasSameHashCodeAs(new ExitMemory());
    }

    @Test
    void copyIsDeepAndEqual() {
        ExitMemory original = filled();
        ExitMemory copy = new ExitMemory(original);

        assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(copy.previousLogProbs).isNotSameAs(original.previousLogProbs);
        assertThat(copy.previousLatents).isNotSameAs(original.previousLatents);

        copy.previousLatents[0] = 9f;
        assertThat(original.previousLatents[0]).isEqualTo(0.5f);
        assertThat(copy).isNotEqualTo(original);
    }

    @Test
    void equalityCoversEveryField() {
        ExitMemory base = filled();
        ExitMemory other = filled();
        other.previousLogProbs = new double[] {-1, -2.5};
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.previousScalar = 4.25;
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.previousArgmax = 8;
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.stableCount = 3;
        assertThat(other).isNotEqualTo(base);
        assertThat(filled(Double.NaN)).isNotEqualTo(base);
        other = filled();
        other.recordCheck(1e-4); // the same last value, one more check
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.previousLatents = null;
        assertThat(other).isNotEqualTo(base);
    }

    @Test
    void toStringShowsArrayLengthsNotContents() {
        assertThat(filled()).hasToString("ExitMemory{previousLogProbs=double[2], previousLatents=float[3],"
                + " previousScalar=4.5, previousArgmax=7, stableCount=2, lastValue=1.0E-4, checks=3}");
    }
}
