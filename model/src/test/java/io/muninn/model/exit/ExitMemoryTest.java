package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitMemoryTest {

    private static ExitMemory filled() {
        ExitMemory memory = new ExitMemory();
        memory.setPreviousLogProbs(new double[] {-1, -2});
        memory.setPreviousLatents(new float[] {0.5f, 0.25f, 3f});
        memory.setPreviousScalar(4.5);
        memory.setPreviousArgmax(7);
        memory.setStableCount(2);
        memory.setLastValue(1e-4);
        memory.setChecks(3);
        return memory;
    }

    @Test
    void emptyMemoryHasDocumentedEmptyValues() {
        ExitMemory memory = new ExitMemory();
        assertThat(memory.getPreviousLogProbs()).isNull();
        assertThat(memory.getPreviousLatents()).isNull();
        assertThat(memory.getPreviousScalar()).isNaN();
        assertThat(memory.getPreviousArgmax()).isEqualTo(-1);
        assertThat(memory.getStableCount()).isZero();
        assertThat(memory.getLastValue()).isNaN();
        assertThat(memory.getChecks()).isZero();
        assertThat(memory).isEqualTo(new ExitMemory()).hasSameHashCodeAs(new ExitMemory());
    }

    @Test
    void copyIsDeepAndEqual() {
        ExitMemory original = filled();
        ExitMemory copy = new ExitMemory(original);

        assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(copy.getPreviousLogProbs()).isNotSameAs(original.getPreviousLogProbs());
        assertThat(copy.getPreviousLatents()).isNotSameAs(original.getPreviousLatents());

        copy.getPreviousLatents()[0] = 9f;
        assertThat(original.getPreviousLatents()[0]).isEqualTo(0.5f);
        assertThat(copy).isNotEqualTo(original);
    }

    @Test
    void equalityCoversEveryField() {
        ExitMemory base = filled();
        ExitMemory other = filled();
        other.setPreviousLogProbs(new double[] {-1, -2.5});
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setPreviousScalar(4.25);
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setPreviousArgmax(8);
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setStableCount(3);
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setLastValue(Double.NaN);
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setChecks(4);
        assertThat(other).isNotEqualTo(base);
        other = filled();
        other.setPreviousLatents(null);
        assertThat(other).isNotEqualTo(base);
    }

    @Test
    void toStringShowsArrayLengthsNotContents() {
        assertThat(filled()).hasToString("ExitMemory{previousLogProbs=double[2], previousLatents=float[3],"
                + " previousScalar=4.5, previousArgmax=7, stableCount=2, lastValue=1.0E-4, checks=3}");
    }
}
