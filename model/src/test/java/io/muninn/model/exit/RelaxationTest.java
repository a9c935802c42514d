package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The relaxation stages: thresholds first, then step caps, never below min_steps; stage 0 changes nothing. */
class RelaxationTest {
    private static final ExitPolicy KL = new ExitPolicy(new KlDivergenceExit(5e-4), 0, 32, 1, true);

    @Test
    void stageZeroIsThePolicyItself() {
        assertThat(Relaxation.apply(KL, 0)).isSameAs(KL);
    }

    @Test
    void theThresholdGrowsFirstThenTheCapFalls() {
        assertThat(Relaxation.apply(KL, 1)).isEqualTo(new ExitPolicy(new KlDivergenceExit(2e-3), 0, 32, 1, true));
        assertThat(Relaxation.apply(KL, 2)).isEqualTo(new ExitPolicy(new KlDivergenceExit(8e-3), 0, 32, 1, true));
        assertThat(Relaxation.apply(KL, 3)).isEqualTo(new ExitPolicy(new KlDivergenceExit(8e-3), 0, 24, 1, true));
        assertThat(Relaxation.apply(KL, 4)).isEqualTo(new ExitPolicy(new KlDivergenceExit(8e-3), 0, 16, 1, true));
    }

    @Test
    void theCapNeverFallsBelowMinSteps() {
        ExitPolicy deep = new ExitPolicy(new KlDivergenceExit(5e-4), 12, 16, 2, false);
        assertThat(Relaxation.apply(deep, 3).maxSteps()).isEqualTo(12);
        assertThat(Relaxation.apply(deep, 4).maxSteps()).isEqualTo(12);
        assertThat(Relaxation.apply(deep, 4).minSteps()).isEqualTo(12);
        ExitPolicy oneStep = ExitPolicy.fixedSteps(1);
        assertThat(Relaxation.apply(oneStep, 4).maxSteps()).isEqualTo(1);
    }

    @Test
    void theStepCapsFollowTheMeasuredDepth() {
        DepthProfile shallow = new DepthProfile(6, 4);
        assertThat(Relaxation.apply(KL, 3, shallow)).isEqualTo(new ExitPolicy(new KlDivergenceExit(8e-3), 0, 6, 1, true));
        assertThat(Relaxation.apply(KL, 4, shallow)).isEqualTo(new ExitPolicy(new KlDivergenceExit(8e-3), 0, 4, 1, true));
        assertThat(Relaxation.apply(KL, 2, shallow)).as("thresholds alone below stage 3").isEqualTo(Relaxation.apply(KL, 2));
        assertThat(Relaxation.apply(KL, 0, shallow)).isSameAs(KL);
    }

    @Test
    void aDeepProfileNeverRaisesTheCapsAboveTheirFractionsOfMaxSteps() {
        DepthProfile deep = new DepthProfile(32, 30);
        assertThat(Relaxation.apply(KL, 3, deep).maxSteps()).isEqualTo(24);
        assertThat(Relaxation.apply(KL, 4, deep).maxSteps()).isEqualTo(16);
        assertThat(Relaxation.apply(KL, 3, DepthProfile.NONE)).as("nothing measured: today's caps")
                .isEqualTo(Relaxation.apply(KL, 3));
        assertThat(Relaxation.apply(KL, 4, DepthProfile.NONE).maxSteps()).isEqualTo(16);
    }

    @Test
    void theMeasuredCapsStillStopAtTheStepFloor() {
        ExitPolicy floored = new ExitPolicy(new KlDivergenceExit(5e-4), 5, 32, 1, true);
        DepthProfile shallow = new DepthProfile(3, 2);
        assertThat(Relaxation.apply(floored, 3, shallow).maxSteps()).isEqualTo(5);
        assertThat(Relaxation.apply(floored, 4, shallow).maxSteps()).isEqualTo(5);
        assertThat(Relaxation.apply(KL, 4, new DepthProfile(1, 1)).maxSteps()).as("min_steps 0: floor 1").isEqualTo(1);
    }

    @Test
    void everyCriterionLoosensInItsOwnDirection() {
        assertThat(new ArgmaxStabilityExit(5).loosened(4)).isEqualTo(new ArgmaxStabilityExit(2));
        assertThat(new ArgmaxStabilityExit(5).loosened(16)).isEqualTo(new ArgmaxStabilityExit(1));
        assertThat(new CosineExit(1e-3).loosened(4).threshold()).isEqualTo(4e-3);
        assertThat(new LatentDiffExit(0.03).loosened(4).threshold()).isEqualTo(0.12);
        assertThat(new EntropyDiffExit(1e-3).loosened(16).threshold()).isEqualTo(1.6e-2);
        assertThat(new MinPKlExit(1e-6).loosened(4).threshold()).isEqualTo(4e-6);
        assertThat(new KlDivergenceExit(Double.MAX_VALUE).loosened(16).threshold()).isEqualTo(Double.MAX_VALUE);
        FixedSteps none = new FixedSteps();
        assertThat(none.loosened(16)).isSameAs(none);
        assertThat(Relaxation.apply(ExitPolicy.fixedSteps(8), 4)).isEqualTo(ExitPolicy.fixedSteps(4));
    }

    @Test
    void aStageOutsideTheRangeIsRefused() {
        assertThatThrownBy(() -> Relaxation.apply(KL, 5)).hasMessage("relaxation stage must be in [0, 4] but was 5");
        assertThatThrownBy(() -> Relaxation.apply(KL, -1)).hasMessageContaining("but was -1");
    }

    @Test
    void aStepCapThatDoesNotBindKeepsThePolicy() {
        assertThat(KL.withStepCap(32)).isSameAs(KL);
        assertThat(KL.withStepCap(100)).isSameAs(KL);
        assertThat(KL.withStepCap(0).maxSteps()).isEqualTo(1);
    }
}
