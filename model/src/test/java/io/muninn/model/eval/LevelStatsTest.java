package io.muninn.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact match and step means, as evaluate.py computes them. */
class LevelStatsTest {
    private static final EvalExample EX = new EvalExample(1, "?a=", new int[] {1, 2}, "47", new int[] {52, 55, 257}, 3);

    @Test
    void onlyTheExactAnswerWithItsStopTokenIsCorrect() {
        assertThat(new ExampleResult(EX, new int[] {52, 55, 257}, new int[] {32, 4, 5}).correct()).isTrue();
        assertThat(new ExampleResult(EX, new int[] {52, 55, 260}, new int[] {32, 4, 5}).correct()).isFalse();
        assertThat(new ExampleResult(EX, new int[] {52, 257}, new int[] {32, 4}).correct()).isFalse();
        assertThat(new ExampleResult(EX, new int[] {52, 55, 56}, new int[] {32, 4, 5}).correct()).isFalse();
    }

    @Test
    void meanStepsAreOverTokensAndDecodedTokensSkipThePrefills() {
        LevelStats s = LevelStats.of(List.of(
                new ExampleResult(EX, new int[] {52, 55, 257}, new int[] {32, 4, 6}),
                new ExampleResult(EX, new int[] {257}, new int[] {32})));
        assertThat(s.n()).isEqualTo(2);
        assertThat(s.accuracy()).isEqualTo(0.5);
        assertThat(s.meanSteps()).isEqualTo((32 + 4 + 6 + 32) / 4.0);
        assertThat(s.meanStepsDecoded()).isEqualTo(5.0);
        assertThat(LevelStats.of(List.of(new ExampleResult(EX, new int[] {257}, new int[] {8}))).meanStepsDecoded()).isNaN();
    }
}
