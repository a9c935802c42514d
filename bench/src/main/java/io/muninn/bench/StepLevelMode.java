package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import java.util.HashMap;
import java.util.Map;

/**
 * Step-level continuous batching: Muninn's {@link StepScheduler} (at most {@code batch} active sequences), fed each
 * request when it arrives. A token is out the moment its own recurrence exits; a new request joins at the next
 * recurrence step.
 */
final class StepLevelMode extends BatchingMode {
    StepLevelMode(RecurrentDepthEngine engine, int batch) {
        super("step-level", engine, batch);
    }

    @Override
    public Work serve(ServingRun run) {
        Map<String, Integer> index = new HashMap<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(TokenOutput token) {
                run.token(index.get(token.requestId()), token.tokenId());
            }

            @Override
            public void onFinished(SequenceOutcome outcome) {
                if (outcome.reason() == FinishReason.ERROR) {
                    throw new IllegalStateException("request " + outcome.requestId() + " failed: " + outcome.message());
                }
                run.finished(index.get(outcome.requestId()));
            }
        };
        // rows per step: no cap below what the active sequences bring (the other modes have none either)
        StepScheduler scheduler = new StepScheduler(engine, new SchedulerOptions(4096, batch, 64,
                AdmissionPolicy.RESERVE_WORST_CASE), listener, null, System::currentTimeMillis);
        run.start();
        while (!run.allFinished()) {
            for (int i : run.takeArrived()) {
                BenchRequest r = run.request(i);
                index.put(r.id(), i);
                scheduler.submit(SequenceRequest.of(r.id(), r.prompt(), r.params()));
            }
            if (scheduler.hasWork()) {
                scheduler.step();
            } else {
                run.sleepUntil(run.nextArrival());
            }
        }
        return new Work(scheduler.stats().steps(), scheduler.stats().entrySteps());
    }
}
