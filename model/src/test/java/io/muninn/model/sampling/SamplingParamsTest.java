package io.muninn.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    @Test
    void greedyParamsGiveTheGreedySampler() {
        assertThat(SamplingParams.greedyDecoding().toSampler()).isEqualTo(new GreedySampler());
        assertThat(new SamplingParams(true, 0.0, 0, 1.0, 0.0).toSampler()).isInstanceOf(GreedySampler.class);
    }

    @Test
    void samplingParamsGiveTheStochasticSamplerWithTheSameSettings() {
        assertThat(SamplingParams.sampling(0.2, 0, 0.95, 0.0).toSampler())
                .isEqualTo(new StochasticSampler(0.2, 0, 0.95, 0.0));
        assertThat(new SamplingParams(false, 0.7, 40, 0.9, 0.05).toSampler())
                .isEqualTo(new StochasticSampler(0.7, 40, 0.9, 0.05));
    }

    @Test
    void temperatureMustBePositiveWhenSampling() {
        assertThatThrownBy(() -> SamplingParams.sampling(0.0, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number > 0 but was 0.0; use greedy decoding for temperature 0");
    }

    @Test
    void greedyAcceptsTemperatureZeroButNotNonsense() {
        assertThatThrownBy(() -> new SamplingParams(true, -1.0, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number >= 0 but was -1.0");
        assertThatThrownBy(() -> new SamplingParams(true, Double.NaN, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number >= 0 but was NaN");
    }

    @Test
    void filtersAreCheckedEvenWhenGreedy() {
        assertThatThrownBy(() -> new SamplingParams(true, 1.0, -5, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_k must be >= 0 (0 turns it off) but was -5");
        assertThatThrownBy(() -> new SamplingParams(true, 1.0, 0, 0.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_p must be in (0, 1] (1 turns it off) but was 0.0");
        assertThatThrownBy(() -> new SamplingParams(false, 1.0, 0, 1.0, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min_p must be in [0, 1) (0 turns it off) but was 1.5");
    }
}
