package io.muninn.model.scheduler;

/**
 * What a request says about its compute beyond the exit policy.
 *
 * @param totalStepsBudget recurrence steps the request may spend over all its tokens ({@code
 *                         generation.total_steps_budget}); {@link #NO_BUDGET} for none. See {@link StepBudget}
 * @param strictDepth      {@code generation.strict_depth}: the latency target never relaxes this request's exits
 */
public record DepthLimits(long totalStepsBudget, boolean strictDepth) {
    public static final long NO_BUDGET = Long.MAX_VALUE;
    public static final DepthLimits NONE = new DepthLimits(NO_BUDGET, false);

    public DepthLimits {
        if (totalStepsBudget < 1) {
            throw new IllegalArgumentException("total_steps_budget must be >= 1 but was " + totalStepsBudget);
        }
    }

    public boolean hasBudget() {
        return totalStepsBudget != NO_BUDGET;
    }
}
