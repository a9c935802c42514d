package io.muninn.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The defaults a request gets for everything it leaves out: the contract the README's field table states. */
class PromptRequestDefaultsTest {

    @Test
    void generationDefaults() {
        Generation g = Fixtures.textRequest("r", "Hi").getGeneration();

        assertThat(g.getMaxNewTokens()).isEqualTo(256);
        assertThat(g.getCriterion()).isEqualTo("kl");
        assertThat(g.getThreshold()).isNull();
        assertThat(g.getMinSteps()).isZero();
        assertThat(g.getMaxSteps()).isNull();
        assertThat(g.getCheckEvery()).isEqualTo(1);
        assertThat(g.getExitInPrefill()).isFalse();
        assertThat(g.getPrefillExit()).as("null: the operator's muninn.exit-in-prefill decides").isNull();
        assertThat(g.getWarmStart()).isFalse();
        assertThat(g.getInitScale()).isEqualTo(1.0);
        assertThat(g.getStopTokenIds()).isEmpty();
    }

    @Test
    void samplingDefaultsToGreedyWithEveryFilterOff() {
        Sampling s = Fixtures.textRequest("r", "Hi").getGeneration().getSampling();

        assertThat(s.getGreedy()).isTrue();
        assertThat(s.getTemperature()).isEqualTo(1.0);
        assertThat(s.getTopK()).isZero();
        assertThat(s.getTopP()).isEqualTo(1.0);
        assertThat(s.getMinP()).isZero();
        assertThat(s.getSeed()).isNull();
    }

    @Test
    void requestDefaults() {
        PromptRequest request = Fixtures.textRequest("r", "Hi");

        assertThat(request.getDeadlineMs()).isNull();
        assertThat(request.getMetadata()).isEmpty();
        assertThat(request.getInput().getMessages()).isNull();
        assertThat(request.getInput().getTokenIds()).isNull();
    }

    @Test
    void defaultsAreFreshObjectsPerRequest() {
        PromptRequest first = Fixtures.textRequest("a", "Hi");
        PromptRequest second = Fixtures.textRequest("b", "Hi");

        first.getMetadata().put("k", "v");
        first.getGeneration().getStopTokenIds().add(7);

        assertThat(second.getMetadata()).isEmpty();
        assertThat(second.getGeneration().getStopTokenIds()).isEmpty();
    }
}
