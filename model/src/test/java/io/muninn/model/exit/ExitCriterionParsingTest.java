package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExitCriterionParsingTest {
    private static final String ACCEPTED =
            "[kl, minp-kl, entropy-diff, latent-diff, cosine, argmax-stability, none]";

    @Test
    void namesParseIntoTheirTypes() {
        assertThat(ExitCriterion.of("kl", 1e-3)).isEqualTo(new KlDivergenceExit(1e-3));
        assertThat(ExitCriterion.of("minp-kl", 1e-5)).isEqualTo(new MinPKlExit(1e-5));
        assertThat(ExitCriterion.of("entropy-diff", 2e-3)).isEqualTo(new EntropyDiffExit(2e-3));
        assertThat(ExitCriterion.of("latent-diff", 0.05)).isEqualTo(new LatentDiffExit(0.05));
        assertThat(ExitCriterion.of("cosine", 0.2)).isEqualTo(new CosineExit(0.2));
        assertThat(ExitCriterion.of("argmax-stability", 10)).isEqualTo(new ArgmaxStabilityExit(10));
        assertThat(ExitCriterion.of("none", 0.5)).isEqualTo(new FixedSteps());
    }

    @Test
    void everyCriterionReportsItsNameThresholdAndWhetherItNeedsLogits() {
        assertThat(ExitCriterion.NAMES).hasToString(ACCEPTED);
        for (String name : ExitCriterion.NAMES) {
            ExitCriterion criterion = ExitCriterion.withDefaultThreshold(name);
            assertThat(criterion.name()).isEqualTo(name);
            assertThat(ExitCriterion.of(name, 7).name()).isEqualTo(name);
        }
        assertThat(ExitCriterion.NAMES.stream().filter(n -> ExitCriterion.withDefaultThreshold(n).needsLogits()))
                .containsExactly("kl", "minp-kl", "entropy-diff", "argmax-stability");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "kl, 5e-4",
        "minp-kl, 1e-6",
        "entropy-diff, 1e-3",
        "latent-diff, 0.03",
        "cosine, 1e-3",
        "argmax-stability, 5",
    })
    void defaultThresholds(String name, double threshold) {
        assertThat(ExitCriterion.withDefaultThreshold(name).threshold()).isEqualTo(threshold);
    }

    @Test
    void noneHasNoThreshold() {
        assertThat(ExitCriterion.withDefaultThreshold("none").threshold()).isNaN();
        assertThat(ExitCriterion.of("none", Double.NaN)).isInstanceOf(FixedSteps.class);
    }

    @Test
    void unknownNamesListTheAcceptedOnes() {
        assertThatThrownBy(() -> ExitCriterion.of("KL", 5e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit criterion must be one of " + ACCEPTED + " but was 'KL'");
        assertThatThrownBy(() -> ExitCriterion.withDefaultThreshold("adaptive"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit criterion must be one of " + ACCEPTED + " but was 'adaptive'");
        assertThatThrownBy(() -> ExitCriterion.of(null, 5e-4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit criterion must be one of " + ACCEPTED + " but was null");
    }

    @ParameterizedTest(name = "{0} rejects {1}")
    @CsvSource({
        "kl, NaN",
        "kl, 0.0",
        "minp-kl, -1.0E-6",
        "entropy-diff, Infinity",
        "latent-diff, -Infinity",
        "cosine, -0.0",
    })
    void thresholdsMustBeFinitePositiveNumbers(String name, double threshold) {
        assertThatThrownBy(() -> ExitCriterion.of(name, threshold))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit threshold for " + name + " must be a finite number > 0 but was " + threshold);
    }

    @ParameterizedTest(name = "argmax-stability rejects {0}")
    @ValueSource(doubles = {0, -3, 2.5, Double.NaN, Double.POSITIVE_INFINITY, 3e9})
    void argmaxStabilityThresholdMustBeAPositiveInteger(double threshold) {
        assertThatThrownBy(() -> ExitCriterion.of("argmax-stability", threshold))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit threshold for argmax-stability must be a positive integer but was " + threshold);
    }

    @Test
    void argmaxStabilityConstructorRejectsNonPositiveCounts() {
        assertThatThrownBy(() -> new ArgmaxStabilityExit(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit threshold for argmax-stability must be a positive integer but was 0");
    }

    @Test
    void directConstructionValidatesLikeParsing() {
        assertThatThrownBy(() -> new KlDivergenceExit(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit threshold for kl must be a finite number > 0 but was NaN");
    }
}
