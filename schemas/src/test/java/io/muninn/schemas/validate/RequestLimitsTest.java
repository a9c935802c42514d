package io.muninn.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new RequestLimits(0, 10, 1, 1, List.of("kl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("blockSize must be >= 1 but was 0");
        assertThatThrownBy(() -> new RequestLimits(10, 0, 1, 1, List.of("kl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vocabSize must be >= 1 but was 0");
        assertThatThrownBy(() -> new RequestLimits(10, 10, 1, 0, List.of("kl")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSteps must be >= 1 but was 0");
    }

    @Test
    void maxNewTokensMustFitTheBlock() {
        assertThatThrownBy(() -> new RequestLimits(10, 10, 11, 1, List.of("kl")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxNewTokens must be in [1, blockSize = 10] but was 11");
    }

    @Test
    void someCriterionMustBeAccepted() {
        assertThatThrownBy(() -> new RequestLimits(10, 10, 1, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("criterionNames must name at least one exit criterion but was []");
    }

    @Test
    void criterionNamesAreCopied() {
        List<String> names = new ArrayList<>(List.of("kl"));
        RequestLimits limits = new RequestLimits(10, 10, 1, 1, names);

        names.add("cosine");

        assertThat(limits.criterionNames()).containsExactly("kl");
    }
}
