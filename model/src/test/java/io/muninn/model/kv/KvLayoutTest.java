package io.muninn.model.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The slot arithmetic against the reference's literal rules for Huginn's 2/4/2 layout: a token that
 * ran k iterations is read by a later token at iteration j, core layer l, from the slot the rule names.
 */
class KvLayoutTest {
    private static final int P = 2;
    private static final int R = 4;

    private static KvLayout layout(String strategy, int maxSteps) {
        return new KvLayout(P, R, 2, maxSteps, KvStrategy.parse(strategy, R));
    }

    /** The reference's step_idx for iteration t, core layer l. */
    private static int stepIdx(int t, int l) {
        return 2 + 4 * t + l;
    }

    @Test
    void slotsAreNumberedAsTheReferenceStepIndex() {
        KvLayout full = layout("full", 32);
        assertThat(full.preludeSlot(1)).isEqualTo(1);
        assertThat(full.coreSlot(0, 0)).isEqualTo(2);
        assertThat(full.coreSlot(31, 3)).isEqualTo(129);
        assertThat(full.codaSlot(0)).isEqualTo(130);
        assertThat(full.slotCount()).isEqualTo(132);
    }

    @Test
    void latestReadsTheSameLayerAtTheShallowerOfBothDepths() {
        KvLayout latest = layout("latest-m4", 32);
        for (int depth = 1; depth <= 32; depth++) {
            for (int j = 0; j < 32; j++) {
                for (int l = 0; l < 4; l++) {
                    assertThat(latest.coreSource(latest.coreSlot(j, l), depth))
                            .as("depth %s, iteration %s, layer %s", depth, j, l)
                            .isEqualTo(stepIdx(Math.min(j, depth - 1), l));
                }
            }
        }
    }

    @Test
    void fullAndSkipSeeOnlyPositionsThatReachedThisIteration() {
        KvLayout full = layout("full", 8);
        assertThat(full.coreSource(full.coreSlot(2, 1), 3)).isEqualTo(stepIdx(2, 1));
        assertThat(full.coreSource(full.coreSlot(3, 1), 3)).isEqualTo(-1);
    }

    @Test
    void alwaysLastReadsTheDeepestIterationEvenBeyondTheCaller() {
        KvLayout last = layout("always-last-m4", 32);
        assertThat(last.coreSource(last.coreSlot(0, 2), 20)).isEqualTo(stepIdx(19, 2));
        assertThat(last.coreSource(last.coreSlot(25, 2), 20)).isEqualTo(stepIdx(19, 2));
    }

    @Test
    void compressModuloSharesSlotsAcrossIterations() {
        KvLayout s16 = layout("latest-m4-compress-s16", 32);
        assertThat(s16.slotCount()).isEqualTo(2 + 16 + 2);
        // reference: step_idx <- (step_idx - 2) % 16 + 2
        assertThat(s16.coreSlot(5, 0)).isEqualTo((stepIdx(5, 0) - 2) % 16 + 2);
        // a position that ran 2 iterations has written compressed slots 2..9; iteration 5, layer 0 -> slot 6: present
        assertThat(s16.coreSource(s16.coreSlot(5, 0), 2)).isEqualTo(6);
        // a position that ran 1 iteration lacks slot 6; the latest same-layer slot below is 2
        assertThat(s16.coreSource(s16.coreSlot(5, 0), 1)).isEqualTo(2);
        KvLayout s4 = layout("compress-s4", 32);
        assertThat(s4.coreSource(s4.coreSlot(9, 3), 1)).isEqualTo(5);
    }

    @Test
    void compressGroupedAndAnchorFollowTheReferenceArithmetic() {
        KvLayout r4 = layout("compress-r4", 32);
        assertThat(r4.coreSlot(3, 2)).isEqualTo((stepIdx(3, 2) - 2) / 4 + 2);
        KvLayout anchor = layout("latest-m4-compress-anchor", 32);
        assertThat(anchor.coreSlot(7, 3)).isEqualTo(stepIdx(7, 3));
        assertThat(anchor.coreSlot(20, 1)).isEqualTo(34 + (stepIdx(20, 1) - 34) % 4);
        assertThat(anchor.slotCount()).isEqualTo(2 + 36 + 2);
    }

    @Test
    void bytesPerTokenFollowTheSlotsAPositionHolds() {
        // Huginn-0125: 132 layer entries x K,V x 5280 (2,787,840 bytes per token in bf16; FP32 doubles it)
        assertThat(layout("latest-m4", 32).bytesPerTokenWorstCase(5280)).isEqualTo(2 * 2_787_840L);
        assertThat(layout("latest-m4", 32).bytesPerToken(5280, 8)).isEqualTo((2 + 4 * 8 + 2) * 2 * 5280 * 4L);
        assertThat(layout("latest-m4-compress-s16", 32).bytesPerTokenWorstCase(5280)).isEqualTo((2 + 16 + 2) * 2 * 5280 * 4L);
        assertThat(layout("compress-s4", 32).bytesPerToken(5280, 20)).isEqualTo((2 + 4 + 2) * 2 * 5280 * 4L);
    }
}
