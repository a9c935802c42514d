package io.muninn.model.engine;

import io.muninn.model.exit.ExitPolicy;

/**
 * The one place that decides whether an entry exits after its latest core iteration, and why. After each
 * iteration the engine asks {@link #checkDue} which check of the criterion runs now: none, a latent check (on the
 * states, batched in the backend) or a logit check (after the coda and head, in {@link ExitTail}); once that value
 * is in (or when no check ran) it calls {@link #decide}. An entry exits, in this order of reasons:
 * <ol>
 *   <li>{@link Reason#CONVERGED}: a check ran and the criterion says so;</li>
 *   <li>{@link Reason#RECORDED_STEP}: a replay call reached the exit step its original call recorded (a replay never
 *       checks, never exits anywhere else);</li>
 *   <li>{@link Reason#FIXED_DEPTH}: a fixed-depth forward ran its steps;</li>
 *   <li>{@link Reason#MAX_STEPS}: the token ran its policy's {@code max_steps}: the request's, or the tighter cap a
 *       step budget or a latency relaxation gave the token ({@code ExitPolicy#withStepCap}, {@code Relaxation}).</li>
 * </ol>
 * When checks run at all is the policy's ({@link ExitPolicy#checksAt}) and the kind's ({@link EntryKind#checksCriterion}).
 */
final class ExitRule {

    /** Which check of the criterion runs after an iteration. */
    enum Check { NONE, LATENT, LOGITS }

    /** Why an entry exited. */
    enum Reason { CONVERGED, RECORDED_STEP, FIXED_DEPTH, MAX_STEPS }

    private ExitRule() {}

    /** The check of the entry's criterion due after its latest iteration. */
    static Check checkDue(StepEntry e) {
        StepEntry.Call call = e.call();
        ExitPolicy policy = call.policy();
        if (!call.kind().checksCriterion() || !policy.checksAt(e.iterations() - 1, call.kind().prompt())) {
            return Check.NONE;
        }
        if (policy.criterion().needsLogits()) {
            return Check.LOGITS;
        }
        return policy.criterion().readsLatents() ? Check.LATENT : Check.NONE;
    }

    /**
     * Decides the entry's exit after its latest iteration; {@code checked}: a check ran on this iteration and its
     * value is the entry's {@link StepEntry#criterionValue()}. Exits the entry (and returns true) when it stops here.
     */
    static boolean decide(StepEntry e, boolean checked) {
        Reason reason = reason(e, checked);
        if (reason != null) {
            e.exit(reason);
        }
        return reason != null;
    }

    private static Reason reason(StepEntry e, boolean checked) {
        StepEntry.Call call = e.call();
        if (checked && call.policy().criterion().exits(e.criterionValue())) {
            return Reason.CONVERGED;
        }
        if (call.kind() instanceof EntryKind.Replay replay) {
            return e.iterations() == replay.exitStep() ? Reason.RECORDED_STEP : null;
        }
        if (call.kind() instanceof EntryKind.FixedDepth fixed) {
            return e.iterations() == fixed.steps() ? Reason.FIXED_DEPTH : null;
        }
        return call.policy().forcedAt(e.iterations() - 1) ? Reason.MAX_STEPS : null;
    }
}
