package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.generate.SingleSequenceGenerator;
import io.muninn.model.scheduler.AdmissionPolicy;
import io.muninn.model.scheduler.GenerationListener;
import io.muninn.model.scheduler.SchedulerOptions;
import io.muninn.model.scheduler.SequenceOutcome;
import io.muninn.model.scheduler.SequenceRequest;
import io.muninn.model.scheduler.StepScheduler;
import io.muninn.model.scheduler.TokenOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The timed modes that {@code bench batching}, {@code bench reference} and {@code bench exit-spread} share: a body
 * timed with the process's peak resident memory, one sequence at a time, and Muninn's continuous step-level
 * batching ({@link StepScheduler}) with its step statistics.
 */
final class TimedRuns {
    private TimedRuns() {}

    /** One timed mode; {@code peakResidentMb} is the process's peak resident memory during it, -1 if unknown. */
    record Run(String name, List<int[]> tokens, double seconds, long peakResidentMb) {
        int tokenCount() {
            return tokens.stream().mapToInt(t -> t.length).sum();
        }

        double tokensPerSecond() {
            return tokenCount() / seconds;
        }
    }

    record Result(Run run, double meanSteps, double meanRows, long[] histogram, long steps, long entrySteps) {}

    interface Body {
        List<int[]> run();
    }

    static Run time(String name, Body body) {
        boolean peak = ResidentMemory.resetPeak();
        long t0 = System.nanoTime();
        List<int[]> tokens = body.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(name, tokens, seconds, peak ? ResidentMemory.peakMb() : -1);
    }

    static List<int[]> single(RecurrentDepthEngine engine, List<BenchRequest> requests) {
        SingleSequenceGenerator g = new SingleSequenceGenerator(engine, 64);
        List<int[]> out = new ArrayList<>();
        for (BenchRequest r : requests) {
            out.add(g.generate(r.prompt(), r.params()).tokens());
        }
        return out;
    }

    static Result continuousTimed(RecurrentDepthEngine engine, List<BenchRequest> requests, int batch) {
        String name = requests.get(0).params().exit().criterion().name().equals("none")
                ? "continuous, fixed depth" : "continuous step-level batching";
        boolean peak = ResidentMemory.resetPeak();
        long t0 = System.nanoTime();
        Object[] r = continuous(engine, requests, batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peakMb = peak ? ResidentMemory.peakMb() : -1;
        @SuppressWarnings("unchecked")
        List<int[]> tokens = (List<int[]>) r[0];
        StepScheduler scheduler = (StepScheduler) r[1];
        return new Result(new Run(name, tokens, seconds, peakMb), scheduler.stats().meanStepsPerToken(),
                scheduler.stats().meanRows(), scheduler.stats().stepsHistogram(), scheduler.stats().steps(),
                scheduler.stats().entrySteps());
    }

    static Object[] continuous(RecurrentDepthEngine engine, List<BenchRequest> requests, int batch) {
        Map<String, int[]> done = new HashMap<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(TokenOutput token) {}

            @Override
            public void onFinished(SequenceOutcome outcome) {
                done.put(outcome.requestId(), outcome.tokens());
            }
        };
        StepScheduler scheduler = new StepScheduler(engine, new SchedulerOptions(4096, batch, 64,
                AdmissionPolicy.RESERVE_WORST_CASE), listener, null, System::currentTimeMillis);
        for (BenchRequest r : requests) {
            scheduler.submit(SequenceRequest.of(r.id(), r.prompt(), r.params()));
        }
        scheduler.runToCompletion();
        List<int[]> out = new ArrayList<>();
        for (BenchRequest r : requests) {
            out.add(done.get(r.id()));
        }
        return new Object[] {out, scheduler};
    }

}
