package io.muninn.flink;

import io.muninn.flink.state.SequenceState;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.scheduler.RequestLifecycle;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.schemas.codec.RejectionException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the requests of a restored checkpoint back into the scheduler: every stored {@link SequenceState}, oldest
 * first, becomes a lifecycle again (its tokens rebuilt by replay a slice per step) with its {@link RequestFacts}
 * attached; a request that can no longer run under the job's settings ends with an error completion.
 */
final class SequenceRestore {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceRestore.class);

    private SequenceRestore() {}

    static void restore(List<SequenceState> states, RequestResolver resolver, StepScheduler scheduler,
            RecordDelivery delivery, long nowMs) {
        ReplayTiming replay = delivery.replay();
        replay.start(nowMs);
        for (SequenceState s : states) {
            RequestFacts facts = RequestFacts.of(s);
            RequestLifecycle l;
            try {
                l = scheduler.restore(resolver.sequence(s.request(), s.promptTokens()), s.progress());
            } catch (RejectionException e) {
                // the job's settings changed under the checkpoint (a lower max_steps, another model): end the
                // request with an error completion rather than fail the job on every restart
                var p = s.progress();
                delivery.complete(facts, new SequenceOutcome(s.requestId(), FinishReason.ERROR, p.tokens(),
                        p.exitSteps(), p.criterionValues(), s.promptTokens().length,
                        "cannot resume after restore: " + e.getMessage(), false, p.depthStage()));
                continue;
            }
            l.attach(facts);
            if (s.progress().size() > 0) {
                replay.await(facts);
            }
        }
        if (!states.isEmpty()) {
            LOG.info("Restored {} sequences ({} with generated tokens to replay)", states.size(), replay.awaiting());
        }
    }
}
