package io.muninn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Accuracy as muninn eval counts it: the generated ids up to the first stop token equal the answer's ids. */
class AnswerTallyTest {
    private static final Set<Integer> STOPS = Set.of(257);
    private static final int[] ANSWER = {120, 118, 112, 257};

    @Test
    void anExactAnswerWithItsStopTokenIsCorrect() {
        assertThat(AnswerTally.correct(new int[] {120, 118, 112, 257}, ANSWER, STOPS)).isTrue();
    }

    @Test
    void whatFollowsTheFirstStopTokenIsIgnored() {
        assertThat(AnswerTally.correct(new int[] {120, 118, 112, 257, 5, 6}, ANSWER, STOPS)).isTrue();
    }

    @Test
    void aMissingStopTokenAWrongTokenOrAnEarlyStopIsWrong() {
        assertThat(AnswerTally.correct(new int[] {120, 118, 112}, ANSWER, STOPS)).isFalse();
        assertThat(AnswerTally.correct(new int[] {120, 118, 113, 257}, ANSWER, STOPS)).isFalse();
        assertThat(AnswerTally.correct(new int[] {120, 257}, ANSWER, STOPS)).isFalse();
        assertThat(AnswerTally.correct(new int[] {120, 118, 112, 9}, ANSWER, STOPS)).isFalse();
    }

    @Test
    void aTallyCountsRequestByRequest() {
        AnswerTally t = AnswerTally.of(List.of(new int[] {120, 118, 112, 257}, new int[] {1, 257}, new int[] {120, 118, 112, 257, 0}),
                List.of(ANSWER, ANSWER, ANSWER), STOPS);
        assertThat(t).isEqualTo(new AnswerTally(2, 3));
        assertThat(t.accuracy()).isEqualTo(2.0 / 3);
        assertThat(t.text()).isEqualTo("2/3 (66.7%)");
    }

    @Test
    void listsOfDifferentLengthsAndImpossibleCountsAreRejected() {
        assertThatThrownBy(() -> AnswerTally.of(List.of(ANSWER), List.of(ANSWER, ANSWER), STOPS))
                .hasMessageContaining("1 generated answers but 2 expected");
        assertThatThrownBy(() -> new AnswerTally(3, 2)).hasMessageContaining("3 of 2");
    }
}
