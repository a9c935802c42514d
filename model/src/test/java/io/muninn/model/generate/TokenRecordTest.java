package io.muninn.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenRecordTest {

    @Test
    void appendsPastItsCapacityAndKeepsTheRunningStepSum() {
        TokenRecord r = new TokenRecord(new int[] {7, 8}, new int[] {3, 4}, new double[] {0.5, Double.NaN});
        assertThat(r.stepsSpent()).isEqualTo(7);
        for (int i = 0; i < 100; i++) {
            r.append(100 + i, i % 5 + 1, i);
        }
        assertThat(r.size()).isEqualTo(102);
        assertThat(r.stepsSpent()).isEqualTo(7 + 20 * (1 + 2 + 3 + 4 + 5));
        assertThat(r.token(0)).isEqualTo(7);
        assertThat(r.exitStep(101)).isEqualTo(5);
        assertThat(r.lastToken()).isEqualTo(199);
        assertThat(r.tokens(3)).containsExactly(7, 8, 100);
        assertThat(r.exitSteps(3)).containsExactly(3, 4, 1);
        assertThat(r.tokens()).hasSize(102);
        assertThat(r.criterionValues()[1]).isNaN();
    }

    @Test
    void copiesAreNotItsStorage() {
        TokenRecord r = new TokenRecord();
        r.append(1, 2, 0.25);
        r.tokens()[0] = 99;
        r.exitSteps()[0] = 99;
        assertThat(r.token(0)).isEqualTo(1);
        assertThat(r.exitStep(0)).isEqualTo(2);
    }

    @Test
    void refusesIndicesOutsideItsTokensAndMismatchedArrays() {
        TokenRecord r = new TokenRecord();
        r.append(1, 2, 0.25);
        assertThatThrownBy(() -> r.token(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("token index 1 of a record of 1 tokens");
        assertThatThrownBy(() -> r.tokens(2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("first 2 tokens of a record of 1 tokens");
        assertThatThrownBy(() -> new TokenRecord(new int[] {1}, new int[0], new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 tokens, 0 exit steps, 0 values");
    }
}
