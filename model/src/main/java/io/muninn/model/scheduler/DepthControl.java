package io.muninn.model.scheduler;

import io.muninn.model.generate.FinishReason;
import java.util.HashMap;
import java.util.Map;

/**
 * The scheduler's bookkeeping for depth that bends: the relaxation stage of the micro-batch being formed (from the
 * latency target's controller, if any), the token gaps that feed it, and per live request the highest stage its
 * tokens ran under; and the outcome's budget flag. Each token's policy itself is chosen by
 * {@link ActiveSequence} from the stage given here.
 */
final class DepthControl {
    private final LatencyTargetController latency;
    private final Map<String, Integer> stagesSeen = new HashMap<>();
    private int stage;

    /** @param latency the latency target's controller; null for none (stage 0 always) */
    DepthControl(LatencyTargetController latency) {
        this.latency = latency;
    }

    /** Re-evaluates the stage before a micro-batch and returns it. */
    int update() {
        stage = latency == null ? 0 : latency.update();
        return stage;
    }

    int stage() {
        return stage;
    }

    /** Records a released token of {@code a}: its stage, and its gap to the sequence's previous token. */
    void onToken(ActiveSequence a) {
        if (a.tokenStage > 0) {
            stagesSeen.merge(a.request.id(), a.tokenStage, Math::max);
        }
        if (latency != null) {
            long now = latency.nanoTime();
            if (a.lastTokenNanos >= 0) {
                latency.recordTpot(now - a.lastTokenNanos);
            }
            a.lastTokenNanos = now;
        }
    }

    /** The outcome of a finished sequence, with its budget flag and highest stage; forgets the sequence. */
    SequenceOutcome outcome(SequenceRequest r, SequenceProgress p, FinishReason reason, String message) {
        Integer seen = stagesSeen.remove(r.id());
        boolean bound = r.depth().hasBudget() && StepBudget.anyBound(r.depth().totalStepsBudget(),
                r.params().maxNewTokens(), r.params().exit(), p.exitSteps());
        return new SequenceOutcome(r.id(), reason, p.tokens(), p.exitSteps(), p.criterionValues(), r.prompt().length,
                message, bound, seen == null ? 0 : seen);
    }
}
