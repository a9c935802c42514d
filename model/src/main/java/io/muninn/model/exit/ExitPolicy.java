package io.muninn.model.exit;

/**
 * When a token's recurrence is checked and when it is forced to stop (README "Per-token recurrence and exit"): after
 * core iteration {@code k} (0-based) a check runs when {@link #checksAt(int, boolean)}, the token exits with
 * {@code exit_step = k + 1} when the criterion says so, and {@link #forcedAt(int)} ends it at {@code max_steps}.
 *
 * @param criterion     what a check evaluates; {@link FixedSteps} ({@code none}) never checks
 * @param minSteps      {@code min_steps}: the first iteration index that may be checked, >= 0; a value >=
 *                      {@code maxSteps} means no check ever runs
 * @param maxSteps      {@code max_steps}: iterations a token runs at most, >= 1
 * @param checkEvery    {@code check_every}: iterations between checks, >= 1
 * @param exitInPrefill {@code exit_in_prefill}: whether prompt rows may exit early (then the prompt must be one
 *                      chunk); Muninn's serving default is {@link #DEFAULT_EXIT_IN_PREFILL}
 */
public record ExitPolicy(ExitCriterion criterion, int minSteps, int maxSteps, int checkEvery, boolean exitInPrefill) {

    /**
     * Whether the exit criterion may end the prefill (decided on the prompt's last position) when a request does not
     * say: true, as the reference model's current code does (the paper-era code never exited in prefill). The one
     * definition of this default; the operator option {@code muninn.exit-in-prefill} and the command lines refer to it.
     */
    public static final boolean DEFAULT_EXIT_IN_PREFILL = true;

    public ExitPolicy {
        if (criterion == null) {
            throw new IllegalArgumentException(
                    "exit criterion must not be null; use \"none\" (FixedSteps) to run max_steps iterations");
        }
        if (minSteps < 0) {
            throw new IllegalArgumentException("min_steps must be >= 0 but was " + minSteps);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps must be >= 1 but was " + maxSteps);
        }
        if (checkEvery < 1) {
            throw new IllegalArgumentException("check_every must be >= 1 but was " + checkEvery);
        }
    }

    /**
     * The paper's setting: {@code kl} at 5e-4, checked after every iteration from the first, at most
     * {@code meanRecurrence} iterations, no exit during prefill (the paper-era code; not
     * {@link #DEFAULT_EXIT_IN_PREFILL}).
     */
    public static ExitPolicy defaults(int meanRecurrence) {
        return new ExitPolicy(new KlDivergenceExit(KlDivergenceExit.DEFAULT_THRESHOLD), 0, meanRecurrence, 1, false);
    }

    /** Every token runs exactly {@code steps} iterations. */
    public static ExitPolicy fixedSteps(int steps) {
        return new ExitPolicy(new FixedSteps(), 0, steps, 1, false);
    }

    /**
     * The fewest iterations a cap may leave a token: {@code min_steps}, at least 1, at most {@code max_steps}. Step
     * budgets and the latency target never cap a token below it.
     */
    public int stepFloor() {
        return Math.max(1, Math.min(minSteps, maxSteps));
    }

    /**
     * This policy with at most {@code cap} iterations per token, never below {@link #stepFloor()}; itself when the cap
     * does not bind. Used for per-token step budgets and latency relaxation; the criterion and cadence are unchanged.
     */
    public ExitPolicy withStepCap(int cap) {
        int capped = Math.max(stepFloor(), cap);
        return capped >= maxSteps ? this : new ExitPolicy(criterion, minSteps, capped, checkEvery, exitInPrefill);
    }

    /** Whether the criterion is evaluated after iteration {@code k} (0-based) of a prefill or a decode call. */
    public boolean checksAt(int k, boolean prefill) {
        return k >= minSteps
                && (k - minSteps) % checkEvery == 0
                && !(prefill && !exitInPrefill)
                && !(criterion instanceof FixedSteps);
    }

    /** Whether iteration {@code k} (0-based) is the last one allowed, so the token exits after it regardless. */
    public boolean forcedAt(int k) {
        return k == maxSteps - 1;
    }
}
