package io.muninn.model.scheduler;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.ModelWeights;
import java.util.concurrent.atomic.AtomicLong;

/** A scheduler on a real engine with a controllable clock, counting its steps. */
final class SchedulerHarness {
    final RecurrentDepthEngine engine;
    final StepScheduler scheduler;
    final RecordingListener listener;
    final AtomicLong clock = new AtomicLong(1_000);
    int steps;

    SchedulerHarness(ModelWeights weights, String kv, int maxSteps, long kvBudget, SchedulerOptions options) {
        this(weights, kv, maxSteps, kvBudget, options, null);
    }

    SchedulerHarness(ModelWeights weights, String kv, int maxSteps, long kvBudget, SchedulerOptions options,
            LatencyTargetController latency) {
        engine = new RecurrentDepthEngine(weights, new Nd4jKernels(), new EngineOptions(kv, maxSteps, kvBudget, 4));
        listener = new RecordingListener(() -> steps);
        scheduler = new StepScheduler(engine, options, listener, null, clock::get, latency);
    }

    StepReport step() {
        steps++;
        return scheduler.step();
    }

    void runToCompletion(int maxSteps) {
        while (scheduler.hasWork()) {
            if (steps > maxSteps) {
                throw new AssertionError("scheduler still has work after " + maxSteps + " steps");
            }
            step();
        }
    }
}
