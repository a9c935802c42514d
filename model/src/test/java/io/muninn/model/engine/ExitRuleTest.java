package io.muninn.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.exit.CosineExit;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.KlDivergenceExit;
import io.muninn.model.exit.Relaxation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link ExitRule} on scripted criterion values, per entry kind: which check is due after each iteration, at which
 * step the entry exits, and whether its criterion or a cap ended it. No model runs: the values stand in for checks.
 */
class ExitRuleTest {
    private static final double BELOW = 1e-9; // under every threshold used here: the criterion says exit
    private static final double ABOVE = 1.0;
    private static final ExitPolicy KL = new ExitPolicy(new KlDivergenceExit(5e-4), 0, 8, 1, false);
    private static final ExitPolicy KL_IN_PREFILL = new ExitPolicy(new KlDivergenceExit(5e-4), 0, 8, 1, true);

    /** Runs the entry's iterations through the rule; {@code value} scripts each check's value by iteration. */
    private static List<ExitRule.Check> run(StepEntry e, IntToDoubleFunction value) {
        List<ExitRule.Check> checks = new ArrayList<>();
        while (!e.exited()) {
            int iteration = e.countIteration();
            ExitRule.Check check = ExitRule.checkDue(e);
            checks.add(check);
            if (check != ExitRule.Check.NONE) {
                e.recordCheck(value.applyAsDouble(iteration));
            }
            ExitRule.decide(e, check != ExitRule.Check.NONE);
        }
        return checks;
    }

    private static StepEntry entry(EntryKind kind, ExitPolicy policy, int rows) {
        return new StepEntry(new StepEntry.Call(null, kind, policy, new int[rows], 0));
    }

    @Test
    void aDecodeRowExitsWhenItsCriterionSaysSoAndRecordsTheValue() {
        StepEntry e = entry(EntryKind.Decode.ROW, KL, 1);
        List<ExitRule.Check> checks = run(e, iteration -> iteration == 3 ? BELOW : ABOVE);
        assertThat(checks).containsOnly(ExitRule.Check.LOGITS).hasSize(3);
        assertThat(e.exitStep()).isEqualTo(3);
        assertThat(e.converged()).isTrue();
        assertThat(e.criterionValue()).isEqualTo(BELOW);
    }

    @Test
    void aLatentCriterionIsCheckedOnTheStateAndTheLastCheckedValueStaysAtAForcedExit() {
        ExitPolicy cosine = new ExitPolicy(new CosineExit(1e-3), 0, 5, 2, false);
        StepEntry e = entry(EntryKind.Decode.ROW, cosine, 1);
        List<ExitRule.Check> checks = run(e, iteration -> ABOVE + iteration);
        assertThat(checks).containsExactly(ExitRule.Check.LATENT, ExitRule.Check.NONE, ExitRule.Check.LATENT,
                ExitRule.Check.NONE, ExitRule.Check.LATENT);
        assertThat(e.exitStep()).isEqualTo(5);
        assertThat(e.converged()).isFalse();
        assertThat(e.criterionValue()).isEqualTo(ABOVE + 5);
    }

    @Test
    void aCriterionThatFiresAtMaxStepsCountsAsConverged() {
        StepEntry e = entry(EntryKind.Decode.ROW, KL, 1);
        run(e, iteration -> iteration == 8 ? BELOW : ABOVE);
        assertThat(e.exitStep()).isEqualTo(8);
        assertThat(e.converged()).isTrue();
    }

    @Test
    void promptChunksCheckOnlyWhenLastAndExitInPrefillAllowsIt() {
        StepEntry early = entry(new EntryKind.PrefillChunk(false), KL_IN_PREFILL, 4);
        assertThat(run(early, iteration -> BELOW)).containsOnly(ExitRule.Check.NONE);
        assertThat(early.exitStep()).isEqualTo(8);

        StepEntry lastNoExit = entry(new EntryKind.PrefillChunk(true), KL, 4);
        assertThat(run(lastNoExit, iteration -> BELOW)).containsOnly(ExitRule.Check.NONE);
        assertThat(lastNoExit.exitStep()).isEqualTo(8);
        assertThat(lastNoExit.converged()).isFalse();

        StepEntry last = entry(new EntryKind.PrefillChunk(true), KL_IN_PREFILL, 4);
        run(last, iteration -> iteration == 2 ? BELOW : ABOVE);
        assertThat(last.exitStep()).isEqualTo(2);
        assertThat(last.converged()).isTrue();
    }

    @Test
    void aReplayCallExitsAtItsRecordedStepAndNeverChecks() {
        for (EntryKind kind : List.of(new EntryKind.Replay(true, 3), new EntryKind.Replay(false, 3))) {
            StepEntry e = entry(kind, KL, 1);
            assertThat(run(e, iteration -> BELOW)).containsOnly(ExitRule.Check.NONE).hasSize(3);
            assertThat(e.exitStep()).isEqualTo(3);
            assertThat(e.converged()).isFalse();
            assertThat(e.criterionValue()).isNaN();
        }
    }

    @Test
    void aFixedDepthForwardRunsItsSteps() {
        StepEntry e = entry(new EntryKind.FixedDepth(5), ExitPolicy.fixedSteps(5), 3);
        assertThat(run(e, iteration -> BELOW)).containsOnly(ExitRule.Check.NONE).hasSize(5);
        assertThat(e.exitStep()).isEqualTo(5);
        assertThat(e.converged()).isFalse();
    }

    @Test
    void aRelaxationOrBudgetCapEndsTheTokenAtTheCap() {
        StepEntry relaxed = entry(EntryKind.Decode.ROW, Relaxation.apply(KL, 4), 1);
        run(relaxed, iteration -> ABOVE);
        assertThat(relaxed.exitStep()).isEqualTo(4);
        assertThat(relaxed.converged()).isFalse();

        StepEntry budget = entry(EntryKind.Decode.ROW, KL.withStepCap(2), 1);
        run(budget, iteration -> ABOVE);
        assertThat(budget.exitStep()).isEqualTo(2);
    }
}
