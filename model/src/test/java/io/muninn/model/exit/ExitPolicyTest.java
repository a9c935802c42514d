package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExitPolicyTest {
    private static final ExitCriterion KL = new KlDivergenceExit(5e-4);

    private static List<Integer> checkedSteps(ExitPolicy policy, boolean prefill) {
        return IntStream.range(0, policy.maxSteps()).filter(k -> policy.checksAt(k, prefill)).boxed().toList();
    }

    @Test
    void defaultsAreThePapersSetting() {
        ExitPolicy policy = ExitPolicy.defaults(32);
        assertThat(policy).isEqualTo(new ExitPolicy(new KlDivergenceExit(5e-4), 0, 32, 1, false));
        assertThat(checkedSteps(policy, false)).isEqualTo(IntStream.range(0, 32).boxed().toList());
        assertThat(checkedSteps(policy, true)).isEmpty();
        assertThat(policy.forcedAt(31)).isTrue();
        assertThat(policy.forcedAt(30)).isFalse();
    }

    @Test
    void checksStartAtMinStepsAndRepeatEveryCheckEvery() {
        ExitPolicy policy = new ExitPolicy(KL, 2, 10, 3, false);
        assertThat(checkedSteps(policy, false)).containsExactly(2, 5, 8);
        assertThat(checkedSteps(policy, true)).isEmpty();
        assertThat(policy.checksAt(-1, false)).isFalse();
        assertThat(policy.checksAt(11, false)).isTrue(); // the formula itself does not bound k by max_steps
    }

    @Test
    void prefillChecksOnlyWithExitInPrefill() {
        ExitPolicy policy = new ExitPolicy(KL, 1, 6, 2, true);
        assertThat(checkedSteps(policy, true)).containsExactly(1, 3, 5);
        assertThat(checkedSteps(policy, false)).containsExactly(1, 3, 5);
    }

    @Test
    void noneNeverChecks() {
        ExitPolicy policy = new ExitPolicy(new FixedSteps(), 0, 8, 1, true);
        assertThat(checkedSteps(policy, false)).isEmpty();
        assertThat(checkedSteps(policy, true)).isEmpty();
        assertThat(ExitPolicy.fixedSteps(8)).isEqualTo(new ExitPolicy(new FixedSteps(), 0, 8, 1, false));
    }

    @Test
    void minStepsAtOrBeyondMaxStepsMeansOnlyTheForcedExit() {
        ExitPolicy policy = new ExitPolicy(KL, 4, 4, 1, false);
        assertThat(checkedSteps(policy, false)).isEmpty();
        assertThat(policy.forcedAt(3)).isTrue();
    }

    @Test
    void checksAtTable() {
        // k, prefill -> checks, for min_steps 3, check_every 2, exit_in_prefill false
        ExitPolicy policy = new ExitPolicy(KL, 3, 12, 2, false);
        Object[][] table = {
            {0, false, false}, {2, false, false}, {3, false, true}, {4, false, false}, {5, false, true},
            {11, false, true}, {3, true, false}, {5, true, false},
        };
        for (Object[] row : table) {
            assertThat(policy.checksAt((int) row[0], (boolean) row[1]))
                    .as("k=%s prefill=%s", row[0], row[1]).isEqualTo(row[2]);
        }
    }

    /** The per-token loop of the README, driven by a criterion that sees a constant argmax. */
    private static int exitStep(ExitPolicy policy, boolean prefill) {
        float[] logits = NaiveOracle.randomLogits(new Random(1), 32, 1.0);
        logits[4] += 10f;
        ExitCriterion criterion = policy.criterion();
        ExitMemory memory = criterion.start(new float[4], 1, 4, 32);
        for (int k = 0; k < policy.maxSteps(); k++) {
            if (policy.checksAt(k, prefill) && criterion.exits(criterion.evaluate(memory, logits, null, 1, 4))) {
                return k + 1;
            }
            if (policy.forcedAt(k)) {
                return k + 1;
            }
        }
        throw new AssertionError("the loop always ends at max_steps");
    }

    @Test
    void exitStepsOfTheLoop() {
        ExitCriterion stableTwice = new ArgmaxStabilityExit(2);
        // checks at k = 2, 4, 6: values 0, 1, 2 -> exit after k = 6
        assertThat(exitStep(new ExitPolicy(stableTwice, 2, 9, 2, false), false)).isEqualTo(7);
        assertThat(exitStep(new ExitPolicy(stableTwice, 2, 9, 2, false), true)).isEqualTo(9);
        assertThat(exitStep(new ExitPolicy(stableTwice, 0, 9, 1, false), false)).isEqualTo(3);
        assertThat(exitStep(new ExitPolicy(stableTwice, 2, 6, 2, false), false)).isEqualTo(6);
        assertThat(exitStep(ExitPolicy.fixedSteps(5), false)).isEqualTo(5);
        List<Integer> forced = new ArrayList<>();
        for (int max = 1; max <= 3; max++) {
            forced.add(exitStep(new ExitPolicy(stableTwice, 0, max, 1, false), false));
        }
        assertThat(forced).containsExactly(1, 2, 3);
    }

    @Test
    void validationNamesFieldValueAndLimit() {
        assertThatThrownBy(() -> new ExitPolicy(KL, -1, 32, 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min_steps must be >= 0 but was -1");
        assertThatThrownBy(() -> new ExitPolicy(KL, 0, 0, 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_steps must be >= 1 but was 0");
        assertThatThrownBy(() -> new ExitPolicy(KL, 0, 32, 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("check_every must be >= 1 but was 0");
        assertThatThrownBy(() -> new ExitPolicy(null, 0, 32, 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exit criterion must not be null; use \"none\" (FixedSteps) to run max_steps iterations");
        assertThatThrownBy(() -> ExitPolicy.defaults(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_steps must be >= 1 but was 0");
    }
}
