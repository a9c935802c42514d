package io.muninn.model.scheduler;

import io.muninn.model.exit.ExitPolicy;

/**
 * The arithmetic of a per-request step budget ({@code generation.total_steps_budget}, issue 16): the recurrence steps
 * a request may spend over all its generated tokens, counted as the completion's {@code total_steps} (the sum of the
 * tokens' exit steps). Every token may run at least the policy's {@link ExitPolicy#stepFloor() floor}
 * ({@code min_steps}, at least 1), so a budget is feasible when it is at least {@code floor x max_new_tokens}. Token
 * {@code i}'s cap is what is left after reserving the floor for every token after it:
 * {@code budget - spent - floor x (max_new_tokens - i - 1)}, at most {@code max_steps}. A request that stops early
 * leaves the rest unspent.
 *
 * <p>This class is the one home of the floor rule ({@link #check}): the wire's validator (schemas, which cannot
 * depend on this module) leaves it to the engine; the operator turns the refusal into a rejection of
 * {@code generation.total_steps_budget}, and the SQL provider checks its {@code total-steps-budget} option with it.
 *
 * <p>Everything here is a function of the request and its exit steps, so a sequence rebuilt by replay caps its next
 * tokens and reports {@link #anyBound} exactly as an uninterrupted run does.
 */
public final class StepBudget {
    private StepBudget() {}

    /** The smallest feasible budget: the floor for every token. */
    public static long minimum(ExitPolicy policy, int maxNewTokens) {
        return (long) policy.stepFloor() * maxNewTokens;
    }

    /**
     * Checks a budget against a request.
     *
     * @throws IllegalArgumentException naming {@code total_steps_budget}, the value and the limit, when infeasible
     */
    public static void check(long budget, ExitPolicy policy, int maxNewTokens) {
        long minimum = minimum(policy, maxNewTokens);
        if (budget < minimum) {
            throw new IllegalArgumentException(String.format(
                    "total_steps_budget must be >= %s (max(1, min_steps) %s x max_new_tokens %s) but was %s",
                    minimum, policy.stepFloor(), maxNewTokens, budget));
        }
    }

    /**
     * The step cap of token {@code index} after {@code spent} steps on the tokens before it: in
     * [floor, {@code max_steps}].
     */
    public static int cap(long budget, long spent, int index, int maxNewTokens, ExitPolicy policy) {
        int floor = policy.stepFloor();
        long left = budget - spent - (long) floor * (maxNewTokens - index - 1);
        return (int) Math.max(floor, Math.min(policy.maxSteps(), left));
    }

    /**
     * Whether the budget bound any of the tokens that ran {@code exitSteps}: a token is bound when its cap was below
     * {@code max_steps} and it ran to that cap.
     */
    public static boolean anyBound(long budget, int maxNewTokens, ExitPolicy policy, int[] exitSteps) {
        long spent = 0;
        for (int i = 0; i < exitSteps.length; i++) {
            int cap = cap(budget, spent, i, maxNewTokens, policy);
            if (cap < policy.maxSteps() && exitSteps[i] >= cap) {
                return true;
            }
            spent += exitSteps[i];
        }
        return false;
    }
}
