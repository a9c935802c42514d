package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.exit.Relaxation;
import io.muninn.model.generate.FinishReason;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.LatencyTarget;
import io.muninn.model.scheduler.LatencyTargetController;
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
 * recurrence step. Optionally with a latency target ({@link LatencyTargetController}, as the operator's
 * {@code muninn.latency.tpot-target} wires it; a fresh controller per {@link #serve}, so runs do not leak a stage
 * into each other). Counts what the depth benchmark reports: recurrence steps per generated token, and micro-batches
 * per relaxation stage (the stage in force when each ran).
 */
final class StepLevelMode extends BatchingMode {
    private final LatencyTarget target;
    private long tokens;
    private long exitSteps;
    private long[] stageSteps = new long[Relaxation.MAX_STAGE + 1];

    StepLevelMode(RecurrentDepthEngine engine, int batch) {
        this("step-level", engine, batch, null);
    }

    /** @param target the latency target; null for none (exits as the requests ask) */
    StepLevelMode(String name, RecurrentDepthEngine engine, int batch, LatencyTarget target) {
        super(name, engine, batch);
        this.target = target;
    }

    /** Mean recurrence steps per generated token in the last run (prefill tokens included, as each counts its own). */
    double stepsPerToken() {
        return tokens == 0 ? Double.NaN : (double) exitSteps / tokens;
    }

    /** Micro-batches of the last run per relaxation stage in force, index = stage. */
    long[] stageSteps() {
        return stageSteps.clone();
    }

    @Override
    public Work serve(ServingRun run) {
        tokens = 0;
        exitSteps = 0;
        stageSteps = new long[Relaxation.MAX_STAGE + 1];
        Map<String, Integer> index = new HashMap<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(TokenOutput token) {
                tokens++;
                exitSteps += token.exitStep();
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
        LatencyTargetController controller = target == null ? null : new LatencyTargetController(target, System::nanoTime);
        StepScheduler scheduler = new StepScheduler(engine, new SchedulerOptions(4096, batch, 64,
                AdmissionPolicy.RESERVE_WORST_CASE), listener, null, System::currentTimeMillis, controller);
        run.start();
        while (!run.allFinished()) {
            for (int i : run.takeArrived()) {
                BenchRequest r = run.request(i);
                index.put(r.id(), i);
                scheduler.submit(SequenceRequest.of(r.id(), r.prompt(), r.params()));
            }
            if (scheduler.hasWork()) {
                scheduler.step();
                stageSteps[scheduler.relaxationStage()]++;
            } else {
                run.sleepUntil(run.nextArrival());
            }
        }
        return new Work(scheduler.stats().steps(), scheduler.stats().entrySteps(), scheduler.stats().rows());
    }
}
