package io.muninn.bench;

import io.muninn.model.engine.RecurrentDepthEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Static batching, the reference: a batch forms from the waiting requests once {@code batch} of them wait or the
 * oldest has waited {@code timeoutNanos}, then runs in {@link StaticBatchRunner} until every member has finished;
 * requests that arrive meanwhile wait for the next batch. Each round's tokens are out when the round ends.
 */
final class StaticMode extends BatchingMode {
    private final long timeoutNanos;
    private final boolean membersKeepComputing;

    StaticMode(RecurrentDepthEngine engine, int batch, long timeoutNanos, boolean membersKeepComputing) {
        super("static", engine, batch);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("static batch timeout must be >= 0 ns but was " + timeoutNanos);
        }
        this.timeoutNanos = timeoutNanos;
        this.membersKeepComputing = membersKeepComputing;
    }

    @Override
    public Work serve(ServingRun run) {
        StaticBatchRunner runner = new StaticBatchRunner(engine, batch, membersKeepComputing);
        Deque<Integer> waiting = new ArrayDeque<>();
        run.start();
        while (!run.allFinished()) {
            waiting.addAll(run.takeArrived());
            if (waiting.isEmpty()) {
                run.sleepUntil(run.nextArrival());
                continue;
            }
            long deadline = run.arrival(waiting.peekFirst()) + timeoutNanos;
            if (waiting.size() < batch && run.now() < deadline) {
                run.sleepUntil(Math.min(deadline, run.nextArrival()));
                continue;
            }
            List<Integer> members = new ArrayList<>();
            List<BenchRequest> group = new ArrayList<>();
            while (members.size() < batch && !waiting.isEmpty()) {
                int i = waiting.pollFirst();
                members.add(i);
                group.add(run.request(i));
            }
            runner.runGroup(group, new StaticBatchRunner.RoundListener() {
                @Override
                public void token(int member, int index, int token) {
                    run.token(members.get(member), token);
                }

                @Override
                public void finished(int member) {
                    run.finished(members.get(member));
                }
            });
        }
        return new Work(runner.steps(), runner.entrySteps(), runner.rowSteps());
    }
}
