package io.muninn.model.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.exit.KlDivergenceExit;
import io.muninn.model.generate.GenerationParams;
import io.muninn.model.sampling.GreedySampler;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The budget arithmetic: feasibility, each token's cap after reserving the floor for the rest, the bound flag. */
class StepBudgetTest {
    private static final ExitPolicy KL_8 = new ExitPolicy(new KlDivergenceExit(5e-4), 0, 8, 1, false);
    private static final ExitPolicy KL_MIN3 = new ExitPolicy(new KlDivergenceExit(5e-4), 3, 8, 1, false);

    @Test
    void theMinimumIsTheFloorForEveryTokenWithAFloorOfAtLeastOneStep() {
        assertThat(StepBudget.minimum(KL_8, 5)).isEqualTo(5); // min_steps 0: still one step per token
        assertThat(StepBudget.minimum(KL_MIN3, 5)).isEqualTo(15);
        // min_steps beyond max_steps: a token cannot run more than max_steps
        assertThat(StepBudget.minimum(new ExitPolicy(new KlDivergenceExit(5e-4), 20, 8, 1, false), 2)).isEqualTo(16);
    }

    @Test
    void aBudgetBelowMinStepsTimesTokensIsRejectedNamingTheFieldTheValueAndTheLimit() {
        assertThatThrownBy(() -> StepBudget.check(14, KL_MIN3, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total_steps_budget must be >= 15 (max(1, min_steps) 3 x max_new_tokens 5) but was 14");
        assertThatThrownBy(() -> StepBudget.check(-1, KL_8, 1)).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> StepBudget.check(0, KL_8, 1)).hasMessageContaining(">= 1");
        StepBudget.check(15, KL_MIN3, 5); // exactly the minimum is feasible
    }

    @Test
    void aRequestWithAnInfeasibleBudgetCannotBeBuilt() {
        var params = new GenerationParams(4, KL_MIN3, new GreedySampler(), 1, 1.0, false, Set.of());
        assertThatThrownBy(() -> new SequenceRequest("r", new int[] {1}, params, Long.MAX_VALUE,
                new DepthLimits(11, false))).hasMessageContaining("total_steps_budget must be >= 12");
        assertThatThrownBy(() -> new DepthLimits(-5, false)).hasMessageContaining("total_steps_budget must be >= 1");
    }

    @Test
    void eachCapReservesTheFloorForTheTokensAfterIt() {
        // budget 20, 4 tokens, floor 1, max 8: 20 - 3 = 17 -> 8; after 8: 20 - 8 - 2 = 10 -> 8; after 16: 3; after 19: 1
        assertThat(StepBudget.cap(20, 0, 0, 4, KL_8)).isEqualTo(8);
        assertThat(StepBudget.cap(20, 8, 1, 4, KL_8)).isEqualTo(8);
        assertThat(StepBudget.cap(20, 16, 2, 4, KL_8)).isEqualTo(3);
        assertThat(StepBudget.cap(20, 19, 3, 4, KL_8)).isEqualTo(1);
        // earlier tokens that exited early leave more for later ones
        assertThat(StepBudget.cap(20, 4, 2, 4, KL_8)).isEqualTo(8);
    }

    @Test
    void theMinimumBudgetCapsEveryTokenAtTheFloorAndNeverBelowIt() {
        for (int i = 0; i < 5; i++) {
            assertThat(StepBudget.cap(15, 3L * i, i, 5, KL_MIN3)).isEqualTo(3);
        }
        // overspent (settings changed under a restore): the floor still holds
        assertThat(StepBudget.cap(15, 40, 4, 5, KL_MIN3)).isEqualTo(3);
    }

    @Test
    void aGenerousBudgetNeverCapsNorBinds() {
        assertThat(StepBudget.cap(1_000, 0, 0, 4, KL_8)).isEqualTo(8);
        assertThat(StepBudget.anyBound(1_000, 4, KL_8, new int[] {8, 8, 8, 8})).isFalse();
    }

    @Test
    void aTokenIsBoundWhenItRanToACapBelowMaxSteps() {
        assertThat(StepBudget.anyBound(20, 4, KL_8, new int[] {8, 8, 3, 1})).isTrue();
        // the same budget with tokens that converged early: no cap was reached
        assertThat(StepBudget.anyBound(20, 4, KL_8, new int[] {2, 2, 2, 2})).isFalse();
        // the third token's cap is 3 but it exited at 2: not bound; the fourth's cap 20-18 = 2, ran 2: bound
        assertThat(StepBudget.anyBound(20, 4, KL_8, new int[] {8, 8, 2, 1})).isFalse();
        assertThat(StepBudget.anyBound(20, 4, KL_8, new int[] {8, 8, 2, 2})).isTrue();
        // a request that stopped before its last tokens
        assertThat(StepBudget.anyBound(20, 4, KL_8, new int[] {8})).isFalse();
    }
}
